import { ReplyError } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_SURFACES } from '../../shared/contract';
import { toApiError, toQueuescopeError } from '../../electron/core/error-mapping';
import {
  ConflictError,
  InternalError,
  NotFoundError,
  QueuescopeError,
  ReadOnlyError,
  RedisUnavailableError,
  ValidationError,
} from '../../electron/core/errors';

describe('toApiError', () => {
  it('passes the core’s own errors through unchanged', () => {
    const error = new ConflictError('Job j is running.', { job_id: 'j' });
    expect(toApiError(error)).toEqual({
      code: 'CONFLICT',
      message: 'Job j is running.',
      details: { job_id: 'j' },
    });
    expect(toApiError(new ReadOnlyError('retry'))).toMatchObject({
      code: 'READ_ONLY',
      details: { operation: 'retry' },
    });
  });

  it.each([
    'connect ECONNREFUSED 127.0.0.1:6390',
    'read ECONNRESET',
    'Command timed out',
    'Connection is closed.',
    'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    'LOADING Redis is loading the dataset in memory',
    'BUSY Redis is busy running a script.',
  ])('maps "%s" to REDIS_UNAVAILABLE with what to do next', (message) => {
    const api = toApiError(new Error(message));
    expect(api.code).toBe('REDIS_UNAVAILABLE');
    expect(api.message).toContain(message);
    expect(api.message).toMatch(/retry/i);
  });

  describe('a write whose reply never came', () => {
    const sent = { write: true, mayHaveBeenSent: true };
    it.each([
      'Command timed out',
      'Connection is closed.',
      'read ECONNRESET',
      'write EPIPE',
      'Reached the max retries per request limit (which is 1). Refer to "maxRetriesPerRequest" option for details.',
    ])('"%s" after it was sent: outcome unknown, and how to find out', (message) => {
      const api = toApiError(new Error(message), sent);
      expect(api).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { outcome: 'unknown' } });
      expect(api.message).toContain(message);
      expect(api.message).toMatch(/look the job up/);
      expect(api.message).toMatch(/same client_request_id never enqueues twice/);
      expect(api.message).not.toMatch(/nothing was written/);
    });

    it.each([
      ['connect ECONNREFUSED 127.0.0.1:6390', sent],
      ['getaddrinfo ENOTFOUND redis.invalid', sent],
      ['connect ETIMEDOUT', sent],
      ["Stream isn't writeable and enableOfflineQueue options is false", sent],
      // Still in the offline queue: the client never had a ready connection to send it on.
      ['Command timed out', { write: true, mayHaveBeenSent: false }],
      [
        'Reached the max retries per request limit (which is 1).',
        { write: true, mayHaveBeenSent: false },
      ],
    ])('"%s" before it was sent: not unknown, nothing was written', (message, reach) => {
      const api = toApiError(new Error(message), reach);
      expect(api.code).toBe('REDIS_UNAVAILABLE');
      expect(api.details).toBeUndefined();
      expect(api.message).toMatch(/nothing was written/);
    });

    it('a refusal Redis answered (LOADING, BUSY) never ran: not unknown', () => {
      for (const message of [
        'LOADING Redis is loading the dataset in memory',
        'BUSY Redis is busy running a script.',
      ])
        expect(toApiError(new Error(message), sent).details).toBeUndefined();
    });

    it('a read that got no answer is plainly unavailable', () => {
      const api = toApiError(new Error('Command timed out'), {
        write: false,
        mayHaveBeenSent: true,
      });
      expect(api).toEqual({
        code: 'REDIS_UNAVAILABLE',
        message: expect.stringMatching(/retry/),
      });
    });

    it('toQueuescopeError keeps the outcome on the class it makes', () => {
      const made = toQueuescopeError(new Error('Command timed out'), sent);
      expect(made).toBeInstanceOf(RedisUnavailableError);
      expect(made.details).toEqual({ outcome: 'unknown' });
    });
  });

  it('maps a Redis reply error to INTERNAL naming the Redis error', () => {
    const api = toApiError(
      new ReplyError('WRONGTYPE Operation against a key holding the wrong kind of value'),
    );
    expect(api).toMatchObject({ code: 'INTERNAL', details: { redis_error: 'WRONGTYPE' } });
    expect(api.message).toMatch(/WRONGTYPE/);
  });

  it('explains OOM: nothing written, free memory or raise maxmemory', () => {
    const api = toApiError(
      new ReplyError("OOM command not allowed when used memory > 'maxmemory'."),
    );
    expect(api).toMatchObject({ code: 'INTERNAL', details: { redis_error: 'OOM' } });
    expect(api.message).toMatch(/nothing was written/);
    expect(api.message).toMatch(/maxmemory/);
  });

  it('names sentinels that refused the login as an auth failure saying where their password goes (docs/topologies.md "Login")', () => {
    const missing = toApiError(
      new Error(
        'All sentinels are unreachable and retry is disabled. Last error: NOAUTH Authentication required.',
      ),
    );
    expect(missing).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'auth' } });
    expect(missing.message).toMatch(/^The sentinels require a password.*\?sentinel_password=/);
    expect(missing.message).toContain('"Sentinel password"');
    const wrong = toApiError(
      new Error(
        'All sentinels are unreachable. Retrying from scratch after 200ms. Last error: WRONGPASS invalid username-password pair or user is disabled.',
      ),
    );
    expect(wrong).toMatchObject({ code: 'REDIS_UNAVAILABLE', details: { reason: 'auth' } });
    expect(wrong.message).toMatch(/^The sentinels refused the sentinel password/);
    // Sentinels that are down are an outage, not a login problem.
    expect(
      toApiError(
        new Error('All sentinels are unreachable. Last error: connect ECONNREFUSED 127.0.0.1:1'),
      ).details?.reason,
    ).toBeUndefined();
  });

  it('maps anything else, even a thrown string, to INTERNAL', () => {
    expect(toApiError(new TypeError('x is undefined'))).toMatchObject({ code: 'INTERNAL' });
    expect(toApiError('boom')).toEqual({ code: 'INTERNAL', message: 'Unexpected error: boom' });
  });
});

describe('toQueuescopeError', () => {
  it('returns the core’s own errors as they are', () => {
    const error = new NotFoundError('gone');
    expect(toQueuescopeError(error)).toBe(error);
  });

  it('wraps foreign errors in the class of their code and keeps the original as cause', () => {
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const wrapped = toQueuescopeError(refused);
    expect(wrapped).toBeInstanceOf(RedisUnavailableError);
    expect(wrapped.code).toBe('REDIS_UNAVAILABLE');
    expect(wrapped.cause).toBe(refused);
    expect(toQueuescopeError(new ReplyError('OOM no'))).toBeInstanceOf(InternalError);
    expect(toQueuescopeError(42)).toBeInstanceOf(QueuescopeError);
  });

  it('names the class after itself so logs say what went wrong', () => {
    expect(new ValidationError('bad').name).toBe('ValidationError');
    expect(toQueuescopeError(new Error('Command timed out')).name).toBe('RedisUnavailableError');
  });
});

describe('ERROR_SURFACES', () => {
  it('gives every code its exit code and an HTTP status', () => {
    const exits = Object.fromEntries(ERROR_CODES.map((c) => [c, ERROR_SURFACES[c].exitCode]));
    expect(exits).toEqual({
      VALIDATION: 2,
      NOT_FOUND: 3,
      CONFLICT: 3,
      READ_ONLY: 5,
      REDIS_UNAVAILABLE: 4,
      INTERNAL: 5,
      UNAUTHORIZED: 5,
      FORBIDDEN: 5,
    });
    for (const c of ERROR_CODES) expect(ERROR_SURFACES[c].httpStatus).toBeGreaterThanOrEqual(400);
    // The doors' own refusals (docs/doors.md "Errors"): 401 and 403 say who was refused, not why the core failed.
    expect(ERROR_SURFACES.UNAUTHORIZED.httpStatus).toBe(401);
    expect(ERROR_SURFACES.FORBIDDEN.httpStatus).toBe(403);
  });
});
