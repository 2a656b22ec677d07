import type {
  Contract,
  InvokeRequest,
  InvokeResponse,
  OperationName,
  OutputOf,
  ParsedInputOf,
  ProfileOperationName,
} from '../../shared/contract';
import { contract, PROFILE_OPERATION_NAMES } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import { ValidationError } from '../core/errors';
import { toApiError } from '../core/error-mapping';
import { validate } from '../core/validate';
import type { EventSink } from './event-hub';

/**
 * The operations a door answers itself, next to the core: the desktop app's connection profiles,
 * which its main process owns (docs/desktop.md). Input arrives validated by the contract schema.
 */
export type DoorHandlers = {
  [K in ProfileOperationName]: (
    input: ParsedInputOf<Contract[K]>,
  ) => Promise<OutputOf<Contract[K]>>;
};

export interface DispatcherOptions {
  /** The core of the current connection; a function because the desktop app swaps it per profile. */
  core: () => QueueCore;
  /** Who the writes made through this door are audited as (docs/doors.md "The audit's actor"). */
  actor: () => string;
  events: EventSink;
  /** The door's own operations; without them (web host, CLI) those are refused, saying where they live. */
  door?: DoorHandlers;
}

/**
 * Who is calling, as the door established it, never as the input says (docs/doors.md "The audit's
 * actor"): the web host passes the name the browser declared and its own OS user.
 */
export interface Caller {
  actor: string;
  /** The OS user running the host the caller came through, recorded beside the actor. */
  hostUser?: string;
}

export interface Dispatcher {
  /** Runs one request; `caller` overrides the door's operator for this request (web host). */
  invoke(request: InvokeRequest, caller?: Caller): Promise<InvokeResponse>;
  /** Aborts a running long operation; unknown ids are ignored (it may have finished already). */
  cancel(operationId: string): void;
  /** Operation ids still running. */
  readonly running: number;
}

const OPERATION_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function isOperationName(op: unknown): op is OperationName {
  return typeof op === 'string' && Object.prototype.hasOwnProperty.call(contract, op);
}

export function isProfileOperation(op: OperationName): op is ProfileOperationName {
  return (PROFILE_OPERATION_NAMES as readonly string[]).includes(op);
}

/** The answer of a door without connection profiles (the web host, the command line). */
export function desktopOnlyError(op: ProfileOperationName): ValidationError {
  return new ValidationError(
    `${op} works on connection profiles, and those live in the desktop app, whose main process owns the connection. This host serves the one Redis it was started on; to use another, start it with that Redis (--redis URL or REDIS_URL).`,
    { operation: op, door: 'desktop' },
  );
}

/** The one answer every door gives an operation the contract does not have (docs/doors.md "Errors"). */
export function unknownOperation(op: unknown): ValidationError {
  const shown = typeof op === 'string' && op.length > 60 ? `${op.slice(0, 60)}…` : op;
  return new ValidationError(
    `Unknown operation ${JSON.stringify(shown) ?? String(shown)}. Known operations: ${Object.keys(contract).join(', ')}.`,
    { field: 'op' },
  );
}

/**
 * The one place IPC and HTTP turn a request into a core call: it resolves the operation, gives
 * long-running calls a cancel handle and progress events, and returns the contract's result shape.
 * Validation, read-only refusal and auditing happen inside QueueCore.invoke.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const controllers = new Map<string, AbortController>();

  async function run(request: InvokeRequest, caller: Caller): Promise<unknown> {
    const { op, input, operation_id: operationId } = request;
    if (!isOperationName(op)) throw unknownOperation(op);
    const who = {
      actor: caller.actor,
      ...(caller.hostUser === undefined ? {} : { hostUser: caller.hostUser }),
    };
    if (isProfileOperation(op)) {
      if (!options.door) throw desktopOnlyError(op);
      const handler = options.door[op] as (input: unknown) => Promise<unknown>;
      return handler(validate(contract[op].input, input));
    }
    const longRunning = contract[op].longRunning === true;
    if (!longRunning || operationId === undefined) {
      return options.core().invoke(op, input, who);
    }
    if (typeof operationId !== 'string' || !OPERATION_ID.test(operationId)) {
      throw new ValidationError(
        'operation_id must be 1-128 characters of letters, digits, ".", "_" or "-".',
        { field: 'operation_id' },
      );
    }
    if (controllers.has(operationId)) {
      throw new ValidationError(
        `operation_id ${operationId} is already running; use a new id per call.`,
        { field: 'operation_id' },
      );
    }
    const controller = new AbortController();
    controllers.set(operationId, controller);
    try {
      return await options.core().invoke(op, input, {
        ...who,
        signal: controller.signal,
        onProgress: (progress) =>
          options.events.emit('progress', { operation_id: operationId, ...progress }),
      });
    } finally {
      controllers.delete(operationId);
    }
  }

  return {
    async invoke(request, caller) {
      try {
        const data = await run(request, caller ?? { actor: options.actor() });
        if (isOperationName(request.op) && contract[request.op].writes) {
          options.events.jobsChanged(workspaceOf(request.input));
        }
        return { ok: true, data };
      } catch (error) {
        return { ok: false, error: toApiError(error) };
      }
    },
    cancel(operationId) {
      controllers.get(operationId)?.abort();
    },
    get running() {
      return controllers.size;
    },
  };
}

function workspaceOf(input: unknown): string | undefined {
  if (typeof input !== 'object' || input === null) return undefined;
  const ws = (input as Record<string, unknown>).workspace_id;
  return typeof ws === 'string' ? ws : undefined;
}
