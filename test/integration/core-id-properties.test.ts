import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueuescopeError } from '../../electron/core/errors';
import { sampleJob, useRedis } from '../helpers/core';
import { allKeys } from '../helpers/redis-snapshot';

/** docs/operations.md, "Identifiers and input", by hand rather than the pattern under test. */
function isValidId(value: unknown): boolean {
  if (typeof value !== 'string' || value.length < 1 || value.length > 128) return false;
  const alnum = (c: string) =>
    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  return [...value].every((c, i) => alnum(c) || (i > 0 && (c === '.' || c === '_' || c === '-')));
}

const nasty = fc.constantFrom(
  '',
  ' ',
  ':',
  '*',
  '?',
  '[',
  ']',
  'a:b',
  'ws*',
  'ws 1',
  'a\n',
  '\n',
  '-a',
  '.a',
  '_a',
  'ü',
  'a\u0000',
  'a'.repeat(128),
  'a'.repeat(129),
  null,
  0,
  42,
  true,
  [],
  {},
  ['ws-1'],
);
const idLike = fc.oneof(
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,130}$/), weight: 6 },
  fc.string({ maxLength: 140 }),
  fc.string({ unit: 'binary', maxLength: 12 }),
  nasty,
  fc.anything(),
);
const optionalIdLike = fc.option(idLike, { nil: undefined });

/** Every key an accepted enqueue may write, given its ids (docs/architecture.md, "Keys"). */
function schemaKeys(ws: string, jobId: string, requestId: string | undefined): RegExp[] {
  const e = (s: string) => s.replace(/[.]/g, '\\.');
  return [
    new RegExp(`^ai:jobs:${e(jobId)}$`),
    new RegExp(`^ai:job:${e(ws)}:${e(jobId)}$`),
    /^ai:queue:pending$/,
    new RegExp(`^ai:qs:idx:${e(ws)}$`),
    /^ai:qs:workspaces$/,
    /^ai:qs:dw:(total|\d+)$/,
    ...(requestId ? [new RegExp(`^ai:idempotency:${e(ws)}:${e(requestId)}$`)] : []),
  ];
}

async function outcomeOf(call: Promise<unknown>): Promise<{ value?: unknown; error?: unknown }> {
  try {
    return { value: await call };
  } catch (error) {
    return { error };
  }
}

describe('arbitrary ids are accepted inside the key schema or rejected with VALIDATION', () => {
  const env = useRedis();

  it('enqueue', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const seen = { accepted: 0, rejected: 0 };
    await fc.assert(
      fc.asyncProperty(idLike, optionalIdLike, optionalIdLike, async (ws, jobId, requestId) => {
        await env.redis.flushall();
        const input = sampleJob({ workspace_id: ws, job_id: jobId, client_request_id: requestId });
        const bad = [
          ['workspace_id', ws],
          ['job_id', jobId],
          ['client_request_id', requestId],
        ].filter(([field, v]) => !(isValidId(v) || (field !== 'workspace_id' && v === undefined)));
        const { value, error } = await outcomeOf(core.invoke('enqueue', input));
        const written = await allKeys(env.redis);
        if (bad.length) {
          expect(error).toBeInstanceOf(QueuescopeError);
          expect(error).toMatchObject({ code: 'VALIDATION' });
          expect(bad.map(([f]) => f)).toContain((error as QueuescopeError).details?.field);
          expect(written).toEqual([]);
          seen.rejected++;
          return;
        }
        seen.accepted++;
        expect(error).toBeUndefined();
        const out = value as { outcome: string; job_id: string };
        expect(out.outcome).toBe('enqueued');
        const allowed = schemaKeys(ws as string, out.job_id, requestId as string | undefined);
        for (const key of written)
          expect(
            allowed.some((re) => re.test(key)),
            key,
          ).toBe(true);
        expect(written).toContain(`ai:job:${ws as string}:${out.job_id}`);
      }),
      { numRuns: 400 },
    );
    // Both branches were really exercised.
    expect(seen.accepted).toBeGreaterThan(40);
    expect(seen.rejected).toBeGreaterThan(40);
  });

  const isLegacyId = (v: unknown) =>
    typeof v === 'string' &&
    v.length >= 1 &&
    v.length <= 1024 &&
    ![...v].some((ch) => ch.charCodeAt(0) < 0x20);

  it('reads and the other writes: VALIDATION or an ordinary answer, and no key is created', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const op = fc.constantFrom('getJob', 'inspectJob', 'updateStatus', 'retry');
    await fc.assert(
      fc.asyncProperty(op, idLike, optionalIdLike, async (name, jobId, ws) => {
        const input = { job_id: jobId, workspace_id: ws, status: 'running', actor_id: 'ops' };
        const { error } = await outcomeOf(core.invoke(name, input));
        const needsWs = name !== 'getJob';
        const isRead = name === 'getJob' || name === 'inspectJob';
        // Reads also accept legacy ids other producers wrote (docs/operations.md, "Identifiers and
        // input"): any non-empty text without control characters.
        const ok = isRead ? isLegacyId : isValidId;
        const valid = ok(jobId) && (ok(ws) || (ws === undefined && !needsWs));
        if (valid && isRead) expect(error).toBeUndefined();
        else if (valid) expect(error).toMatchObject({ code: 'NOT_FOUND' });
        else expect(error).toMatchObject({ code: 'VALIDATION' });
        expect(await env.redis.dbsize()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
