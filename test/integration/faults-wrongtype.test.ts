import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { keys, minuteOf } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';
import { snapshot, withoutFailureCounts } from '../helpers/redis-snapshot';

type Plant = (redis: Redis, key: string) => Promise<unknown>;
const asString: Plant = (r, k) => r.set(k, 'planted');
const asList: Plant = (r, k) => r.rpush(k, 'planted');
const asSet: Plant = (r, k) => r.sadd(k, 'planted');
const asHash: Plant = (r, k) => r.hset(k, 'planted', '1');

async function plant(redis: Redis, key: string, how: Plant): Promise<void> {
  await redis.del(key);
  await how(redis, key);
}

const entries = async (redis: Redis) => [...withoutFailureCounts(await snapshot(redis))];

/**
 * docs/operations.md, "Atomic writes" and "Errors": a key of the wrong Redis type anywhere a write
 * script looks fails the whole operation with INTERNAL and leaves every key as it was (only the
 * failed-attempt counter may move).
 */
describe('WRONGTYPE on every key a write script touches', () => {
  const env = useRedis();
  const now = Date.now();

  const enqueueTargets: Array<[string, string[], Plant]> = [
    ['queue', [keys.queue], asHash],
    ['flag', [keys.flag], asList],
    // The bucket of this minute and the next, in case the call crosses a minute boundary.
    [
      'metrics bucket',
      [keys.metricsBucket(minuteOf(now)), keys.metricsBucket(minuteOf(now) + 60_000)],
      asList,
    ],
    ['metrics total', [keys.metricsTotal], asString],
    ['workspaces set', [keys.workspaces], asHash],
    ['old job', [keys.oldJob('job-1')], asString],
    ['new job', [keys.newJob('ws-1', 'job-1')], asList],
    ['workspace index', [keys.workspaceIndex('ws-1')], asSet],
    ['idempotency', [keys.idempotency('ws-1', 'req-1')], asHash],
  ];

  for (const flag of ['on', 'off'] as const) {
    it.each(enqueueTargets)(
      `enqueue (flag ${flag}) with a wrong-typed %s key: INTERNAL, nothing written, retry succeeds`,
      async (name, targets, how) => {
        const core = env.core({ defaultFlag: flag });
        await core.invoke(
          'enqueue',
          sampleJob({ job_id: 'job-before', client_request_id: 'req-0' }),
        );
        for (const key of targets) await plant(env.redis, key, how);
        const before = await entries(env.redis);

        const input = sampleJob({ job_id: 'job-1', client_request_id: 'req-1' });
        const error = await core.invoke('enqueue', input).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'INTERNAL', details: { redis_error: 'WRONGTYPE' } });
        expect(targets).toContain((error as { details: { key: string } }).details.key);
        await core.close(); // settles the in-memory failure counter
        expect(await entries(env.redis)).toEqual(before);
        const failed = await env.redis.hget(keys.metricsTotal, 'ws-1|failed').catch(() => null);
        expect(failed).toBe(flag === 'on' && name !== 'metrics total' ? '1' : null);

        for (const key of targets) await env.redis.del(key);
        const again = await env.core({ defaultFlag: flag }).invoke('enqueue', input);
        expect(again).toEqual({ outcome: 'enqueued', job_id: 'job-1' });
        expect(await env.redis.exists(keys.newJob('ws-1', 'job-1'))).toBe(flag === 'on' ? 1 : 0);
      },
    );
  }

  it('enqueueMany fails only the job whose own key is wrong-typed; the others go in whole', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await plant(env.redis, keys.newJob('ws-1', 'bad'), asList);
    const { results } = await core.invoke('enqueueMany', {
      jobs: ['a', 'bad', 'b'].map((id) => sampleJob({ job_id: id })),
    });
    expect(results.map((r) => r.outcome)).toEqual(['enqueued', 'error', 'enqueued']);
    expect(results[1]).toMatchObject({ error: { code: 'INTERNAL' } });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['a', 'b']);
    expect(await env.redis.exists(keys.oldJob('bad'))).toBe(0);
  });

  const seedJob = async (status: string) => {
    const hash = { job_id: 'job-1', status, workspace_id: 'ws-1', result: '', attempts: '1' };
    await env.redis.hset(keys.oldJob('job-1'), hash);
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), hash);
    await env.redis.rpush(keys.queue, 'other');
  };

  const updateTargets: Array<[string, string, Plant]> = [
    ['old job', keys.oldJob('job-1'), asString],
    ['flag', keys.flag, asHash],
    ['new job', keys.newJob('ws-1', 'job-1'), asList],
  ];
  it.each(updateTargets)(
    'updateStatus with a wrong-typed %s key: INTERNAL, nothing written',
    async (_, key, how) => {
      const core = env.core({ defaultFlag: 'on' });
      await seedJob('running');
      await plant(env.redis, key, how);
      const before = await snapshot(env.redis);
      const input = {
        job_id: 'job-1',
        workspace_id: 'ws-1',
        status: 'completed',
        result: { a: 1 },
      };
      await expect(core.invoke('updateStatus', input)).rejects.toMatchObject({ code: 'INTERNAL' });
      await expect(core.invoke('updateStatus', { ...input, force: true })).rejects.toMatchObject({
        code: 'INTERNAL',
      });
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    },
  );

  const retryTargets: Array<[string, string, Plant]> = [
    ['old job', keys.oldJob('job-1'), asString],
    ['new job', keys.newJob('ws-1', 'job-1'), asSet],
    ['queue', keys.queue, asString],
  ];
  it.each(retryTargets)(
    'retry with a wrong-typed %s key: INTERNAL, nothing written',
    async (_, key, how) => {
      const core = env.core({ defaultFlag: 'on' });
      await seedJob('failed');
      await plant(env.redis, key, how);
      const before = await snapshot(env.redis);
      await expect(
        core.invoke('retry', { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops' }),
      ).rejects.toMatchObject({ code: 'INTERNAL', details: { key } });
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    },
  );

  it('a wrong-typed audit stream never turns a completed write into a failure', async () => {
    const core = env.core();
    await plant(env.redis, keys.audit, asString);
    const out = await core.invoke('enqueue', sampleJob({ job_id: 'audited' }), { actor: 'ops' });
    expect(out).toEqual({ outcome: 'enqueued', job_id: 'audited' });
    // Nor hides the error of a write that failed.
    await expect(
      core.invoke('enqueue', sampleJob({ job_id: 'audited' }), { actor: 'ops' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await env.redis.get(keys.audit)).toBe('planted');
  });
});
