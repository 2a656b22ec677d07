import { readFile, stat } from 'node:fs/promises';
import { ValidationError } from '../core/errors';
import type { CliIo } from './io';
import { parseJsonFlag } from './parse';

/** Largest --params/--result file or stdin read; the core's own limit (1 MiB serialized) is far below. */
export const MAX_JSON_INPUT_BYTES = 16 * 1024 * 1024;

function refuse(flag: string, field: string, message: string): ValidationError {
  return new ValidationError(`${flag}: ${message}`, { field, flag });
}

/** Everything on stdin, refused as soon as it passes `limit` bytes. */
async function readStdin(io: CliIo, flag: string, field: string, limit: number): Promise<string> {
  if (!io.stdin) throw refuse(flag, field, 'there is no standard input to read (-).');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > limit) throw refuse(flag, field, `standard input is larger than ${limit} bytes.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function readNamedFile(path: string, flag: string, field: string, limit: number) {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw refuse(flag, field, `${JSON.stringify(path)} is not a file.`);
    if (info.size > limit)
      throw refuse(flag, field, `${JSON.stringify(path)} is larger than ${limit} bytes.`);
    return await readFile(path, 'utf8');
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw refuse(flag, field, `cannot read ${JSON.stringify(path)} (${code}).`);
  }
}

/**
 * The text a flag names: `@path` reads that file, `-` reads standard input. Large inputs go this
 * way, because one command-line argument is limited to 128 KiB on Linux.
 */
export async function readSource(
  io: CliIo,
  flag: string,
  field: string,
  source: string,
  limit = MAX_JSON_INPUT_BYTES,
): Promise<string> {
  if (source === '-') return readStdin(io, flag, field, limit);
  if (source.startsWith('@')) {
    const path = source.slice(1);
    if (!path) throw refuse(flag, field, 'give a file name after @, such as @job.json.');
    return readNamedFile(path, flag, field, limit);
  }
  return source;
}

/**
 * A JSON flag (--params, --result): inline JSON, `@file.json` or `-` for stdin (JSON text never
 * starts with @, and - alone is not JSON). Bad JSON is a VALIDATION error naming the flag.
 */
export async function jsonFlag(
  io: CliIo,
  flag: string,
  field: string,
  value: string | undefined,
): Promise<unknown> {
  if (value === undefined) return undefined;
  return parseJsonFlag(flag, field, await readSource(io, flag, field, value));
}
