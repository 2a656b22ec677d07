import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { flagSince } from '../../electron/core/triage/overview';
import { snapshot } from '../helpers/redis-snapshot';
import { dualWriteOnSettled, sampleJob, useRedis } from '../helpers/core';

async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  return Object.fromEntries(
    [...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]),
  );
}

/** docs/triage.md "Overview": the migration at a glance from what is already kept. */
describe('overview', () => {
  const env = useRedis();

  it('gives the flag and since when (Redis TIME of the change), coverage, the last check, dual-write failures and queue depth', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: ['a1', 'a2', 'a3'].map((id) => sampleJob({ job_id: id, workspace_id: 'ws-a' })),
    });
    await dualWriteOnSettled(core);
    const [seconds] = await env.redis.time();
    await core.invoke('enqueue', sampleJob({ job_id: 'b1', workspace_id: 'ws-b' }));
    await core.invoke('enqueue', sampleJob({ job_id: 'a4', workspace_id: 'ws-a' }));
    await core.invoke('divergenceCheck', {});

    const o = await core.invoke('overview', {});
    expect(o.flag.value).toBe('on');
    expect(o.flag.source).toBe('redis');
    expect(Math.abs(o.flag.since! - Number(seconds) * 1000)).toBeLessThan(2000);
    expect(o.coverage).toEqual({ old_jobs: 5, new_jobs: 2, share: 0.4 });
    expect(o.last_check).toMatchObject({
      state: 'completed',
      workspace_id: null,
      divergent: 0,
      awaiting_backfill: 3,
      in_sync: 2,
    });
    expect(o.dual_write).toEqual({ window: '15m', succeeded: 2, failed: 0, failure_rate: 0 });
    expect(o.queue_depth).toBe(5);
    expect(
      o.workspaces.map((w) => [w.workspace_id, w.old.pending, w.new.pending, w.divergent]),
    ).toEqual([
      ['ws-a', 4, 1, 0],
      ['ws-b', 1, 1, 0],
    ]);
  });

  it('keeps "since" across a repeated set, and cannot date a change made without a record', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    const first = (await core.invoke('overview', {})).flag;
    await new Promise((r) => setTimeout(r, 5));
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    expect((await core.invoke('overview', {})).flag).toEqual(first);
    expect(first).toMatchObject({ value: 'off', source: 'redis' });
    expect(first.since).toBeGreaterThan(0);

    await env.redis.set(keys.flag, 'on');
    expect((await core.invoke('overview', {})).flag).toEqual({
      value: 'on',
      source: 'redis',
      since: null,
    });
    await env.redis.del(keys.flag);
    expect((await core.invoke('overview', {})).flag).toEqual({
      value: 'off',
      source: 'env',
      since: null,
    });
    expect(flagSince(['on:100', 'off:200', 'on:300', 'on:400'], 'on')).toBe(300);
    expect(flagSince([], 'on')).toBeNull();
  });

  it('reads without a keyspace walk (no SCAN, no KEYS) and writes nothing but the kept counts', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 50 }, (_, i) => sampleJob({ job_id: `j-${i}` })),
    });
    await env.redis.hset('ai:jobs:foreign-1', { status: 'pending', workspace_id: 'ws-x' });
    await core.invoke('overview', {});
    const withoutCounts = async () =>
      [...(await snapshot(env.redis))].filter(([key]) => !key.startsWith('ai:qs:counts:'));
    // A read that sampled the queue depth into its minute bucket would change it now.
    await env.redis.rpush('ai:queue:pending', 'one-more');
    const keysBefore = await withoutCounts();
    const before = await commandCalls(env.redis);
    await core.invoke('overview', {});
    const after = await commandCalls(env.redis);
    expect(await withoutCounts()).toEqual(keysBefore);
    expect((after.scan ?? 0) - (before.scan ?? 0)).toBe(0);
    expect(after.keys ?? 0).toBe(0);
  });
});
