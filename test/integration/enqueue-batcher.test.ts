import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';

/** Script calls Redis ran since the last CONFIG RESETSTAT (EVALSHA plus any EVAL). */
async function scriptCalls(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce(
    (n, m) => n + Number(m[1]),
    0,
  );
}

/** What a settled enqueue came to: the outcome, or the error's code and details. */
function summary(settled: PromiseSettledResult<{ outcome: string; job_id: string }>) {
  if (settled.status === 'fulfilled') return settled.value;
  const error = settled.reason as { code: string; details?: Record<string, unknown> };
  return { code: error.code, details: error.details };
}

/**
 * docs/operations.md, "enqueue": concurrent enqueues on one connection share script calls, and
 * each caller still gets its own outcome; a failure of a shared call fails exactly its callers.
 */
describe('enqueue calls gathered into shared script calls', () => {
  const env = useRedis();

  /** A core whose enqueue script is already loaded, with Redis's command counts reset. */
  async function warmCore(options: Parameters<typeof env.core>[0] = {}): Promise<QueueCore> {
    const core = env.core(options);
    await core.invoke('enqueue', sampleJob({ job_id: 'warm' }));
    await env.redis.config('RESETSTAT');
    return core;
  }

  it('makes one job of concurrent calls with one request id in one call; the others are its duplicates', async () => {
    const core = await warmCore();
    const settled = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        core.invoke('enqueue', sampleJob({ job_id: `same-${i}`, client_request_id: 'req-1' })),
      ),
    );
    expect(await scriptCalls(env.redis)).toBe(1);
    expect(settled.map(summary)).toEqual([
      { outcome: 'enqueued', job_id: 'same-0' },
      ...Array.from({ length: 9 }, () => ({ outcome: 'duplicate', job_id: 'same-0' })),
    ]);
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['warm', 'same-0']);
    for (let i = 1; i < 10; i++) expect(await env.redis.exists(keys.oldJob(`same-${i}`))).toBe(0);
    expect(await env.redis.get(keys.idempotency('ws-1', 'req-1'))).toBe('same-0');
  });

  it('gives a refused call of a shared call its own error and writes the others, in call order', async () => {
    const core = await warmCore({ defaultFlag: 'on' });
    await env.redis.lpush(keys.idempotency('ws-1', 'req-list'), 'x');
    await env.redis.set(keys.workspaceIndex('ws-broken'), 'not a zset');
    const settled = await Promise.allSettled([
      core.invoke('enqueue', sampleJob({ job_id: 'ok-1' })),
      core.invoke('enqueue', sampleJob({ job_id: 'warm' })),
      core.invoke('enqueue', sampleJob({ job_id: 'list-req', client_request_id: 'req-list' })),
      core.invoke('enqueue', sampleJob({ job_id: 'broken-ws', workspace_id: 'ws-broken' })),
      core.invoke('enqueue', sampleJob({ job_id: 'bad-ws', workspace_id: 'bad id' })),
      core.invoke('enqueue', sampleJob({ job_id: 'ok-2', workspace_id: 'ws-2' })),
    ]);
    // The invalid one never reached Redis; the other five went in one call.
    expect(await scriptCalls(env.redis)).toBe(1);
    expect(settled.map(summary)).toEqual([
      { outcome: 'enqueued', job_id: 'ok-1' },
      { code: 'CONFLICT', details: { job_id: 'warm', key: keys.oldJob('warm') } },
      {
        code: 'INTERNAL',
        details: { key: keys.idempotency('ws-1', 'req-list'), redis_error: 'WRONGTYPE' },
      },
      {
        code: 'INTERNAL',
        details: { key: keys.workspaceIndex('ws-broken'), redis_error: 'WRONGTYPE' },
      },
      expect.objectContaining({ code: 'VALIDATION' }),
      { outcome: 'enqueued', job_id: 'ok-2' },
    ]);
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['warm', 'ok-1', 'ok-2']);
    for (const id of ['list-req', 'broken-ws', 'bad-ws'])
      expect(await env.redis.exists(keys.oldJob(id))).toBe(0);
    expect(await env.redis.exists(keys.newJob('ws-broken', 'broken-ws'))).toBe(0);
    expect(await env.redis.hgetall(keys.newJob('ws-2', 'ok-2'))).toEqual(
      await env.redis.hgetall(keys.oldJob('ok-2')),
    );
  });

  it('fails every call of a shared call that meets a wrong-typed shared key with the error one call gets, and only those', async () => {
    const core = await warmCore();
    const burst = (prefix: string) =>
      Promise.allSettled(
        Array.from({ length: 5 }, (_, i) =>
          core.invoke('enqueue', sampleJob({ job_id: `${prefix}-${i}` })),
        ),
      );
    await env.redis.lpush(keys.flag, 'not a flag');
    const alone = await core.invoke('enqueue', sampleJob({ job_id: 'alone' })).catch((e) => e);
    expect(alone).toMatchObject({
      code: 'INTERNAL',
      details: { key: keys.flag, redis_error: 'WRONGTYPE' },
    });
    await env.redis.config('RESETSTAT');
    const broken = await burst('broken');
    await env.redis.del(keys.flag);
    const mended = await burst('mended');
    expect(await scriptCalls(env.redis)).toBe(2);
    for (const settled of broken) {
      expect(settled.status).toBe('rejected');
      const error = (settled as PromiseRejectedResult).reason as { toJSON(): unknown };
      expect(error.toJSON()).toEqual((alone as { toJSON(): unknown }).toJSON());
    }
    expect(mended.map(summary)).toEqual(
      Array.from({ length: 5 }, (_, i) => ({ outcome: 'enqueued', job_id: `mended-${i}` })),
    );
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual([
      'warm',
      ...Array.from({ length: 5 }, (_, i) => `mended-${i}`),
    ]);
    expect(await env.redis.keys(keys.oldJob('broken-*'))).toEqual([]);
  });

  it('rejects exactly the calls a refused script call carried, and counts their dual-write attempts as failed', async () => {
    const core = await warmCore({ defaultFlag: 'on' });
    const burst = (prefix: string) =>
      Promise.allSettled(
        Array.from({ length: 3 }, (_, i) =>
          core.invoke('enqueue', sampleJob({ job_id: `${prefix}-${i}`, workspace_id: 'ws-oom' })),
        ),
      );
    const first = await burst('first');
    await env.redis.config('SET', 'maxmemory', '1');
    const refused = await burst('refused');
    await env.redis.config('SET', 'maxmemory', '0');
    const third = await burst('third');
    // Two calls ran; Redis refused the third, the one the refused three were gathered into.
    expect(await env.redis.info('commandstats')).toMatch(
      /cmdstat_evalsha:calls=2,.*rejected_calls=1,/,
    );
    expect([...first, ...third].map((s) => s.status)).toEqual(Array(6).fill('fulfilled'));
    expect(refused.map(summary)).toEqual(
      Array.from({ length: 3 }, () => ({ code: 'INTERNAL', details: { redis_error: 'OOM' } })),
    );
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual([
      'warm',
      ...['first', 'third'].flatMap((p) => [0, 1, 2].map((i) => `${p}-${i}`)),
    ]);
    // docs/operations.md, "enqueue", step 5: the refused attempts are flushed once Redis answers.
    let total = await env.redis.hgetall(keys.metricsTotal);
    for (let i = 0; i < 100 && !total['ws-oom|failed']; i++) {
      await new Promise((r) => setTimeout(r, 20));
      total = await env.redis.hgetall(keys.metricsTotal);
    }
    expect(total).toMatchObject({ 'ws-oom|succeeded': '6', 'ws-oom|failed': '3' });
  });
});
