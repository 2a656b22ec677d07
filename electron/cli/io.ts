import type { ApiError } from '../../shared/contract';
import { printable } from './format/printable';

/** A stream the CLI writes to; `isTTY` decides whether a progress bar may be drawn on it. */
export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** Everything the CLI touches outside itself, so tests can run it in-process. */
export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  env: Record<string, string | undefined>;
  /** What `--params -` and `enqueue --ndjson -` read; absent when the CLI runs without one. */
  stdin?: AsyncIterable<Buffer | string>;
  /** Aborted on Ctrl-C or SIGTERM: long work is cancelled, `serve` and `demo` shut down. */
  signal?: AbortSignal;
}

/** The machine-readable document of a command: exactly one per run, on stdout. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Human text: control characters in it (from job fields, names, messages) are shown escaped. */
export function writeLines(stream: CliStream, text: string): void {
  if (text) stream.write(printable(text.endsWith('\n') ? text : `${text}\n`));
}

/**
 * Errors go to stderr in both modes: the one error shape (docs/operations.md, "Errors") with
 * --json, a sentence otherwise.
 */
export function writeError(io: CliIo, error: ApiError, json: boolean): void {
  if (json) {
    io.stderr.write(`${JSON.stringify(error)}\n`);
    return;
  }
  io.stderr.write(`error (${error.code}): ${printable(error.message)}\n`);
}

/** Resolves when the signal is aborted (never, without one). */
export function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
