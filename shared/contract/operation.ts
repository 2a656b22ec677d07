import type { z } from 'zod';

/**
 * One operation of the contract: its input schema, its output type (phantom), and whether it writes.
 * IPC handlers, HTTP routes, the CLI and the renderer client are all derived from these declarations.
 */
export interface Operation<I extends z.ZodType, O> {
  readonly input: I;
  /** Writes are refused with READ_ONLY by a read-only core and disabled in a read-only console. */
  readonly writes: boolean;
  /** Streams progress events while it runs and can be cancelled. */
  readonly longRunning?: boolean;
  readonly summary: string;
  /** Phantom field carrying the output type; never set at runtime. */
  readonly _output?: O;
}

export function operation<O>() {
  return <I extends z.ZodType>(def: Omit<Operation<I, O>, '_output'>): Operation<I, O> => def;
}

export type InputOf<Op> = Op extends Operation<infer I, unknown> ? z.input<I> : never;
export type ParsedInputOf<Op> = Op extends Operation<infer I, unknown> ? z.output<I> : never;
export type OutputOf<Op> = Op extends Operation<z.ZodType, infer O> ? O : never;
