import type { ApiError } from '../../shared/contract';
import {
  ConflictError,
  InternalError,
  NotFoundError,
  QueuescopeError,
  RedisUnavailableError,
  ValidationError,
} from './errors';

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
      // A command whose answer was lost may still have run: the caller cannot know, so say how to
      // find out safely instead of claiming nothing was written.
      message: `Redis did not answer (${message}). Check that the server is running and reachable, then retry. Each write either fully happened or not at all; if you cannot tell which, look the job up first (an enqueue repeated with the same client_request_id never enqueues twice).`,
    };
  }
  if (error instanceof Error && error.name === 'ReplyError') {
    const redisError = message.split(' ')[0] ?? '';
    return {
      code: 'INTERNAL',
      message:
        redisError === 'OOM'
          ? `Redis is out of memory (maxmemory reached, ${message}); nothing was written. Free memory or raise maxmemory, then retry.`
          : `Redis refused the command: ${message}`,
      details: { redis_error: redisError },
    };
  }
  return { code: 'INTERNAL', message: `Unexpected error: ${message}` };
}

/** The same mapping as an error the core can throw: callers of QueueCore only ever see these classes. */
export function toQueuescopeError(error: unknown): QueuescopeError {
  if (error instanceof QueuescopeError) return error;
  const api = toApiError(error);
  const made = errorOfCode(api);
  // Keep what Redis or the client actually said, for logs and debugging.
  Object.defineProperty(made, 'cause', { value: error, enumerable: false });
  return made;
}

function errorOfCode(api: ApiError): QueuescopeError {
  switch (api.code) {
    case 'REDIS_UNAVAILABLE':
      return new RedisUnavailableError(api.message, api.details);
    case 'VALIDATION':
      return new ValidationError(api.message, api.details);
    case 'NOT_FOUND':
      return new NotFoundError(api.message, api.details);
    case 'CONFLICT':
      return new ConflictError(api.message, api.details);
    default:
      return new InternalError(api.message, api.details);
  }
}

export function isUnavailable(error: unknown): boolean {
  return toApiError(error).code === 'REDIS_UNAVAILABLE';
}
