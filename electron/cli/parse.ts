import { ValidationError } from '../core/errors';

/** Parses a JSON flag value; bad JSON is a VALIDATION error naming the flag, before anything is sent. */
export function parseJsonFlag(flag: string, field: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      `${flag} is not valid JSON (${why}). Pass a JSON object, for example ${flag} '{"to":"a@example.com"}'.`,
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
export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = numberFlag(text);
  if (typeof port !== 'number' || port < 0 || port > 65535) {
    throw new ValidationError(
      `--port must be a whole number from 0 to 65535 (got ${JSON.stringify(text)}).`,
      {
        field: 'port',
        flag: '--port',
      },
    );
  }
  return port;
}

/** `--redis` must be a redis:// or rediss:// URL; anything else would be misread as a socket path. */
export function parseRedisUrl(text: string): string {
  let protocol: string;
  try {
    protocol = new URL(text).protocol;
  } catch {
    protocol = '';
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new ValidationError(
      `--redis must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379 (got ${JSON.stringify(text)}).`,
      { field: 'redis', flag: '--redis' },
    );
  }
  return text;
}
