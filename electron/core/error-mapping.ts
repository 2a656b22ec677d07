import type { ApiError } from '../../shared/contract';
import { QueuescopeError } from './errors';

const UNAVAILABLE_PATTERNS = [
  /ECONNREFUSED/,
  /ECONNRESET/,
  /ETIMEDOUT/,
  /EHOSTUNREACH/,
  /ENOTFOUND/,
  /EPIPE/,
  /Connection is closed/i,
  /Command timed out/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
  /connect ETIMEDOUT/i,
  /^LOADING/,
  /^BUSY /,
  /^MASTERDOWN/,
];

/** Turns anything thrown below an entry point into the one error shape of SPEC section 4. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof QueuescopeError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  if (UNAVAILABLE_PATTERNS.some((p) => p.test(message))) {
    return {
      code: 'REDIS_UNAVAILABLE',
      message: `Redis did not answer (${message}). Check that the server is running and reachable, then retry: nothing was written by this attempt unless it reported success.`,
    };
  }
  if (error instanceof Error && error.name === 'ReplyError') {
    return {
      code: 'INTERNAL',
      message: `Redis refused the command: ${message}`,
      details: { redis_error: message.split(' ')[0] },
    };
  }
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

export function isUnavailable(error: unknown): boolean {
  return toApiError(error).code === 'REDIS_UNAVAILABLE';
}
