import type { ApiError, ErrorCode } from '../../shared/contract';

/** Base of every error the core throws on purpose; `code` is stable (docs/operations.md). */
export class QueuescopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toJSON(): ApiError {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }
}

export class ValidationError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('VALIDATION', message, details);
  }
}

export class NotFoundError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('NOT_FOUND', message, details);
  }
}

export class ConflictError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details);
  }
}

export class ReadOnlyError extends QueuescopeError {
  constructor(operation: string) {
    super(
      'READ_ONLY',
      `${operation} writes to Redis, and this connection is read-only. Unlock writes for it (or drop --read-only) to continue.`,
      { operation },
    );
  }
}

export class RedisUnavailableError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('REDIS_UNAVAILABLE', message, details);
  }
}

export class InternalError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INTERNAL', message, details);
  }
}

/** A door refusing a caller it cannot identify: no or wrong token, an untrusted IPC sender. */
export class UnauthorizedError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('UNAUTHORIZED', message, details);
  }
}

/** A door refusing a caller from the wrong place: a foreign Origin, a Host that is not loopback. */
export class ForbiddenError extends QueuescopeError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('FORBIDDEN', message, details);
  }
}

export function notYet(operation: string): never {
  throw new InternalError(`${operation} is not available in this build.`);
}
