import { readFileSync } from 'node:fs';
import { ValidationError } from '../core/errors';
import { parseRedisAddress } from '../core/redis/address';
import { redactRedisUrl } from '../core/redis/redact';

/** Parses a JSON flag value; bad JSON is a VALIDATION error naming the flag, before anything is sent. */
export function parseJsonFlag(flag: string, field: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `${flag} is not valid JSON (${why}). Pass a JSON object, for example ${flag} '{"to":"a@example.com"}', ${flag} @file.json, or ${flag} - to read standard input.`,
      { field, flag },
    );
  }
}

/** Whole numbers become numbers; anything else is passed on as text so the contract's message names it. */
export function numberFlag(text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  return /^-?\d+$/.test(text.trim()) ? Number(text) : text;
}

/** A TCP port for `serve`: 0 (any free port) to 65535. */
export function parsePort(text: string | undefined, flag = '--port'): number | undefined {
  if (text === undefined) return undefined;
  const port = numberFlag(text);
  if (typeof port !== 'number' || port < 0 || port > 65535) {
    throw new ValidationError(
      `${flag} must be a whole number from 0 to 65535 (got ${JSON.stringify(text)}).`,
      {
        field: flag.replace(/^--/, '').replace(/-/g, '_'),
        flag,
      },
    );
  }
  return port;
}

/** `--redis` must be a redis:// or rediss:// URL; anything else would be misread as a socket path. */
export function parseRedisUrl(text: string): string {
  // A Sentinel URL lists several hosts, which URL cannot parse: address.ts reads it.
  if (/^rediss?\+sentinel:/i.test(text.trim())) return parseSentinelFlag(text);
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ValidationError(
      `--redis must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379 (got ${JSON.stringify(redactRedisUrl(text))}).`,
      { field: 'redis', flag: '--redis' },
    );
  }
  return text;
}

/**
 * The Redis password kept in a file (`--redis-password-file`), so it is neither in the URL nor on
 * the command line where `ps` shows it. One trailing newline is dropped; the content is never shown.
 */
export function readPasswordFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ValidationError(
      `--redis-password-file: cannot read ${JSON.stringify(path)} (${code}). Give a file holding only the password.`,
      { field: 'redis_password_file', flag: '--redis-password-file' },
    );
  }
  const password = text.replace(/\r?\n$/, '');
  if (!password) {
    throw new ValidationError(
      `--redis-password-file: ${JSON.stringify(path)} is empty. Write the password into it, or leave the flag out.`,
      { field: 'redis_password_file', flag: '--redis-password-file' },
    );
  }
  return password;
}

function parseSentinelFlag(text: string): string {
  try {
    parseRedisAddress(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ValidationError(`--redis: ${message}`, { field: 'redis', flag: '--redis' });
  }
  return text;
}
