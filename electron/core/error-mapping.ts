import type { ApiError } from '../../shared/contract';
import {
  ConflictError,
  ForbiddenError,
  InternalError,
  NotFoundError,
  QueuescopeError,
  RedisUnavailableError,
  UnauthorizedError,
  ValidationError,
} from './errors';
import { clusterUnsettled } from './cluster-unsettled';
import { authMessage, sentinelAuthMessage, sentinelAuthRefusal } from './redis/connection-problem';

/** The connection could not be made, so no command went out: nothing of the call ran. */
const NOT_SENT_PATTERNS = [
  /ECONNREFUSED/,
  /EHOSTUNREACH/,
  /ENOTFOUND/,
  /connect ETIMEDOUT/i,
  /Stream isn't writeable/i,
];
/** Redis answered, refusing to run the command for now: nothing of it ran. */
const REFUSED_PATTERNS = [/^LOADING/, /^BUSY /, /^MASTERDOWN/];
/**
 * No reply came: ioredis says so the same way whether the command had been written to the
 * connection (it may have run) or was still waiting in its offline queue (it did not).
 */
const NO_REPLY_PATTERNS = [
  /ECONNRESET/,
  /ETIMEDOUT/,
  /EPIPE/,
  /Connection is closed/i,
  /Command timed out/i,
  /Reached the max retries per request limit/i,
];

/**
 * What the caller knows of a failed call: whether it writes, and whether its commands may have
 * reached Redis (the client was connected when the call was issued, or connected before it failed;
 * ioredis writes commands only on a ready connection and queues them otherwise).
 */
export interface CallReach {
  write: boolean;
  mayHaveBeenSent: boolean;
}

/** Turns anything thrown below an entry point into the one error shape (docs/operations.md). */
export function toApiError(error: unknown, reach?: CallReach): ApiError {
  if (error instanceof QueuescopeError) return error.toJSON();
  const message = error instanceof Error ? error.message : String(error);
  const unsettled = clusterUnsettled(message, reach);
  if (unsettled) return unsettled;
  const refusal = serverRefusal(message);
  if (refusal) return refusal;
  const unavailable = unavailableError(message, reach);
  if (unavailable) return unavailable;
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

/**
 * Redis refusing on account of who asked or where (docs/topologies.md): a refused login, a replica
 * asked to write, a cluster node asked for another node's key. None of these ran the command.
 */
function serverRefusal(message: string): ApiError | null {
  const said = message.split(' ')[0] ?? '';
  if (said === 'WRONGPASS' || said === 'NOAUTH') {
    return {
      code: 'REDIS_UNAVAILABLE',
      message: authMessage(message),
      details: { reason: 'auth' },
    };
  }
  const sentinelRefusal = sentinelAuthRefusal(message);
  if (sentinelRefusal) {
    return {
      code: 'REDIS_UNAVAILABLE',
      message: sentinelAuthMessage(sentinelRefusal),
      details: { reason: 'auth' },
    };
  }
  if (said === 'READONLY') {
    return {
      code: 'REDIS_UNAVAILABLE',
      message: `Redis refused the write: the server is a read-only replica now (${message}), as after a failover; nothing was written. Connect to the current primary, or through Sentinel (redis+sentinel://host:port/master_name) so Queuescope follows failovers.`,
      details: { reason: 'replica', redis_error: said },
    };
  }
  if (['MOVED', 'ASK', 'CROSSSLOT'].includes(said)) {
    return {
      code: 'INTERNAL',
      message: `This Redis is a node of a Redis Cluster (${message}), and this operation is not supported on a cluster yet; nothing was written. See docs/topologies.md for what works on a cluster today.`,
      details: { reason: 'cluster_unsupported', topology: 'cluster', redis_error: said },
    };
  }
  return null;
}

/**
 * Redis unreachable or not answering. A write whose reply was lost after it was sent may
 * have been applied, so it is reported as outcome unknown with how to find out, never as failed.
 */
function unavailableError(message: string, reach: CallReach | undefined): ApiError | null {
  const code = 'REDIS_UNAVAILABLE';
  const what = `Redis did not answer (${message}).`;
  const reachable = 'Check that the server is running and reachable, then retry.';
  if (REFUSED_PATTERNS.some((p) => p.test(message)))
    return {
      code,
      message: `Redis is not taking commands yet (${message}); nothing ran. Retry in a moment.`,
    };
  const notSent = NOT_SENT_PATTERNS.some((p) => p.test(message));
  if (!notSent && !NO_REPLY_PATTERNS.some((p) => p.test(message))) return null;
  if (!reach) {
    // The caller cannot tell a write from a read, nor whether anything went out: say how to find out.
    return {
      code,
      message: `${what} ${reachable} Each write either fully happened or not at all; if you cannot tell which, look the job up first (an enqueue repeated with the same client_request_id never enqueues twice).`,
    };
  }
  if (!reach.write) return { code, message: `${what} ${reachable}` };
  if (notSent || !reach.mayHaveBeenSent)
    return {
      code,
      message: `${what} The write never reached it, so nothing was written. ${reachable}`,
    };
  return {
    code,
    message: `${what} The write was sent but its reply was lost, so it may or may not have been applied: look the job up (get or inspect it) before doing it again. An enqueue repeated with the same client_request_id never enqueues twice.`,
    details: { outcome: 'unknown' },
  };
}

/** The same mapping as an error the core can throw: callers of QueueCore only ever see these classes. */
export function toQueuescopeError(error: unknown, reach?: CallReach): QueuescopeError {
  if (error instanceof QueuescopeError) return error;
  const api = toApiError(error, reach);
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
    case 'UNAUTHORIZED':
      return new UnauthorizedError(api.message, api.details);
    case 'FORBIDDEN':
      return new ForbiddenError(api.message, api.details);
    default:
      return new InternalError(api.message, api.details);
  }
}

export function isUnavailable(error: unknown): boolean {
  return toApiError(error).code === 'REDIS_UNAVAILABLE';
}
