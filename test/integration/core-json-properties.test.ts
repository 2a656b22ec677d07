import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';

const circular = () => {
  const o: Record<string, unknown> = { a: 1 };
  o.self = o;
  return o;
};
/**
 * Mostly plain JSON objects, plus the values JSON cannot hold and the non-objects refused by
 * docs/operations.md, "Identifiers and input".
 */
const paramsLike = fc.oneof(
  {
    arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })),
    weight: 5,
  },
  fc.dictionary(fc.string({ maxLength: 4 }), fc.anything({ withBigInt: true, maxDepth: 2 })),
  fc.constantFrom<unknown>({ big: 10n }, circular(), [], [1], 'text', 7, null, { d: new Date(0) }),
);

const isPlainObject = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
function jsonForm(v: unknown): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(JSON.stringify(v)) };
  } catch {
    return { ok: false };
  }
}

/**
 * docs/operations.md, "Identifiers and input": params/result are JSON objects; anything else is
 * VALIDATION naming the field, nothing written.
 */
describe('arbitrary params and results', () => {
  const env = useRedis();

  it('are stored as their JSON value or refused with VALIDATION', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const seen = { stored: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(paramsLike, async (params) => {
        await env.redis.flushall();
        const form = jsonForm(params);
        const call = core.invoke('enqueue', sampleJob({ job_id: 'j', params }));
        if (!isPlainObject(params) || !form.ok) {
          await expect(call).rejects.toMatchObject({
            code: 'VALIDATION',
            details: { field: 'params' },
          });
          expect(await env.redis.dbsize()).toBe(0);
          seen.refused++;
          return;
        }
        await call;
        const found = await core.invoke('getJob', { job_id: 'j', workspace_id: 'ws-1' });
        expect(found?.job.params).toEqual(form.value);
        seen.stored++;
      }),
      { numRuns: 200 },
    );
    expect(seen.stored).toBeGreaterThan(20);
    expect(seen.refused).toBeGreaterThan(20);
  });

  it('a result that is not JSON is VALIDATION and leaves the job as it was', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('j'), { job_id: 'j', status: 'running' });
    for (const result of [{ n: 1n }, circular(), [1], 'done']) {
      await expect(
        core.invoke('updateStatus', { job_id: 'j', status: 'completed', result }),
      ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'result' } });
    }
    expect(await env.redis.hgetall(keys.oldJob('j'))).toEqual({ job_id: 'j', status: 'running' });
  });
});
