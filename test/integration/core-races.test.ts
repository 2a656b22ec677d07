import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';
import { allKeys } from '../helpers/redis-snapshot';

/**
 * docs/operations.md, "Atomic writes": concurrent clients (separate cores, separate connections)
 * never get past one another.
 */
describe('races between clients', () => {
  const env = useRedis();
  const cores = (n: number) => Array.from({ length: n }, () => env.core());

  it('100 concurrent enqueues with one client_request_id make exactly one job', async () => {
    const producers = cores(5);
    for (let round = 0; round < 10; round++) {
      const calls = Array.from({ length: 100 }, (_, i) =>
        producers[i % producers.length]!.invoke(
          'enqueue',
          // Half name their own job id, half let the core generate one: the request id decides.
          sampleJob({
            client_request_id: `req-${round}`,
            ...(i % 2 ? { job_id: `j-${round}-${i}` } : {}),
          }),
        ),
      );
      const results = await Promise.all(calls);
      const enqueued = results.filter((r) => r.outcome === 'enqueued');
      expect(enqueued.length).toBe(1);
      expect(new Set(results.map((r) => r.job_id))).toEqual(new Set([enqueued[0]!.job_id]));
    }
    expect(await env.redis.llen(keys.queue)).toBe(10);
    expect((await allKeys(env.redis, 'ai:jobs:*')).length).toBe(10);
  });

  it('a flag flipped by another client mid-burst leaves every job old-only or in both schemas', async () => {
    const producers = cores(3);
    const flipper = env.server.client();
    let burstDone = false;
    let flips = 0;
    const flipping = (async () => {
      while (!burstDone) {
        await flipper.set(keys.flag, flips++ % 2 ? 'on' : 'off');
        await new Promise((r) => setImmediate(r));
      }
    })();
    const ids: string[] = [];
    await Promise.all(
      Array.from({ length: 24 }, async (_, w) => {
        for (let i = 0; i < 80; i++) {
          const out = await producers[w % 3]!.invoke(
            'enqueue',
            sampleJob({ job_id: `f-${w}-${i}` }),
          );
          ids.push(out.job_id);
        }
      }),
    );
    burstDone = true;
    await flipping;

    let both = 0;
    let oldOnly = 0;
    for (const id of ids) {
      const [oldHash, newHash] = await Promise.all([
        env.redis.hgetall(keys.oldJob(id)),
        env.redis.hgetall(keys.newJob('ws-1', id)),
      ]);
      expect(Object.keys(oldHash).length).toBeGreaterThan(0); // never new-only
      if (Object.keys(newHash).length === 0) oldOnly++;
      else {
        expect(newHash).toEqual(oldHash);
        both++;
      }
    }
    expect(both + oldOnly).toBe(1920);
    // The flips really did land inside the burst, both ways.
    expect(both).toBeGreaterThan(0);
    expect(oldOnly).toBeGreaterThan(0);
    expect(flips).toBeGreaterThan(2);
    expect(Number(await env.redis.hget(keys.metricsTotal, 'ws-1|succeeded'))).toBe(both);
  });

  async function seed(status: string) {
    const hash = { job_id: 'job-1', status, workspace_id: 'ws-1', result: '{"error":"boom"}' };
    await env.redis.hset(keys.oldJob('job-1'), hash);
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), hash);
  }

  async function settle<T>(calls: Array<Promise<T>>) {
    const outcomes = await Promise.allSettled(calls);
    const ok = outcomes.filter((o) => o.status === 'fulfilled').length;
    const codes = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [(o.reason as { code: string }).code] : [],
    );
    return { ok, codes };
  }

  it('two concurrent retries of one failed job queue it once; the other is a CONFLICT', async () => {
    const [a, b] = cores(2) as [QueueCore, QueueCore];
    for (let round = 0; round < 20; round++) {
      await env.redis.flushall();
      await seed('failed');
      const input = { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' };
      const { ok, codes } = await settle([a.invoke('retry', input), b.invoke('retry', input)]);
      expect(ok).toBe(1);
      expect(codes).toEqual(['CONFLICT']);
      expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['job-1']);
      expect(await env.redis.hget(keys.oldJob('job-1'), 'attempts')).toBe('1');
    }
  });

  it('two workers finishing one running job: one wins, the other is a CONFLICT', async () => {
    const [a, b] = cores(2) as [QueueCore, QueueCore];
    await seed('running');
    const finish = (core: QueueCore, status: 'completed' | 'failed') =>
      core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-1', status });
    const { ok, codes } = await settle([finish(a, 'completed'), finish(b, 'failed')]);
    expect(ok).toBe(1);
    expect(codes).toEqual(['CONFLICT']);
    const [oldStatus, newStatus] = await Promise.all([
      env.redis.hget(keys.oldJob('job-1'), 'status'),
      env.redis.hget(keys.newJob('ws-1', 'job-1'), 'status'),
    ]);
    expect(oldStatus).toBe(newStatus);
  });
});
