import { describe, expect, it } from 'vitest';
import { JOBS_PER_CALL } from '../../electron/core/jobs/enqueue';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';
import { snapshot } from '../helpers/redis-snapshot';

const LIMIT = '4mb';
const BATCH = 50;
const padding = 'x'.repeat(2000);

/**
 * docs/operations.md, "Atomic writes": with maxmemory + noeviction a write script runs whole or
 * is refused whole (OOM).
 */
describe('maxmemory with noeviction', () => {
  const env = useRedis({ args: ['--maxmemory', LIMIT, '--maxmemory-policy', 'noeviction'] });

  const batchOf = (b: number) =>
    Array.from({ length: BATCH }, (_, i) =>
      sampleJob({
        job_id: `job-${b}-${i}`,
        client_request_id: `req-${b}-${i}`,
        params: { padding, n: i },
      }),
    );

  /** Whether every piece of the job is there; throws when only some are. */
  async function presence(jobId: string, requestId: string): Promise<boolean> {
    const parts = [
      await env.redis.exists(keys.oldJob(jobId)),
      await env.redis.exists(keys.newJob('ws-1', jobId)),
      (await env.redis.zscore(keys.workspaceIndex('ws-1'), jobId)) === null ? 0 : 1,
      await env.redis.exists(keys.idempotency('ws-1', requestId)),
      (await env.redis.lpos(keys.queue, jobId)) === null ? 0 : 1,
    ];
    const sum = parts.reduce((a, b) => a + b, 0);
    if (sum !== 0 && sum !== parts.length) throw new Error(`${jobId} is partly written: ${parts}`);
    return sum === parts.length;
  }

  it('enqueues each batch fully or not at all, and the refused ones go in once memory is back', async () => {
    expect(BATCH).toBeLessThanOrEqual(JOBS_PER_CALL); // one script call per batch
    const core = env.core({ defaultFlag: 'on' });
    const outcomes: Array<'enqueued' | 'refused'> = [];
    const refused: number[] = [];
    for (let b = 0; refused.length < 3 && b < 200; b++) {
      const { results } = await core.invoke('enqueueMany', { jobs: batchOf(b) });
      const kinds = new Set(results.map((r) => r.outcome));
      expect(kinds.size).toBe(1); // never some jobs of one script call in and others out
      if (kinds.has('enqueued')) outcomes.push('enqueued');
      else {
        expect(results[0]).toMatchObject({
          error: { code: 'INTERNAL', details: { redis_error: 'OOM' } },
        });
        outcomes.push('refused');
        refused.push(b);
      }
    }
    expect(refused.length).toBe(3);
    const accepted = outcomes.filter((o) => o === 'enqueued').length;
    expect(accepted).toBeGreaterThan(0);
    for (let b = 0; b < outcomes.length; b++) {
      for (let i = 0; i < BATCH; i++) {
        expect(await presence(`job-${b}-${i}`, `req-${b}-${i}`)).toBe(outcomes[b] === 'enqueued');
      }
    }
    expect(await env.redis.llen(keys.queue)).toBe(accepted * BATCH);

    await env.redis.config('SET', 'maxmemory', '0');
    for (const b of refused) {
      const { results } = await core.invoke('enqueueMany', { jobs: batchOf(b) });
      expect(results.every((r) => r.outcome === 'enqueued')).toBe(true);
    }
    for (let b = 0; b < outcomes.length; b++) {
      for (let i = 0; i < BATCH; i++)
        expect(await presence(`job-${b}-${i}`, `req-${b}-${i}`)).toBe(true);
    }
    expect(await env.redis.llen(keys.queue)).toBe(outcomes.length * BATCH);
    console.info(
      `maxmemory ${LIMIT}: ${accepted} batches of ${BATCH} enqueued whole, ${refused.length} refused whole (OOM); ` +
        `after raising the limit ${outcomes.length * BATCH} jobs, each complete`,
    );
    await env.redis.config('SET', 'maxmemory', LIMIT);
  });

  it('refuses enqueue, updateStatus and retry whole with INTERNAL (OOM); reads still answer', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const hash = { job_id: 'j-run', status: 'running', workspace_id: 'ws-1', result: '' };
    await env.redis.hset(keys.oldJob('j-run'), hash);
    await env.redis.hset(keys.newJob('ws-1', 'j-run'), hash);
    await env.redis.hset(keys.oldJob('j-failed'), {
      ...hash,
      job_id: 'j-failed',
      status: 'failed',
    });
    // Below what is in use already: every write is refused from here on, however memory moves.
    await env.redis.config('SET', 'maxmemory', '1');
    const before = await snapshot(env.redis);

    const oom = { code: 'INTERNAL', details: { redis_error: 'OOM' } };
    await expect(
      core.invoke('enqueue', sampleJob({ job_id: 'j-new', client_request_id: 'r-new' })),
    ).rejects.toMatchObject(oom);
    await expect(
      core.invoke('updateStatus', { job_id: 'j-run', workspace_id: 'ws-1', status: 'completed' }),
    ).rejects.toMatchObject(oom);
    await expect(
      core.invoke('retry', { job_id: 'j-failed', workspace_id: 'ws-1', actor_id: 'ops' }),
    ).rejects.toMatchObject(oom);
    expect(await core.invoke('getJob', { job_id: 'j-run', workspace_id: 'ws-1' })).toMatchObject({
      source: 'new',
      job: { status: 'running' },
    });
    expect([...(await snapshot(env.redis))]).toEqual([...before]);
    expect(core.unflushedFailures).toBe(1); // counted, kept in memory until Redis can take it

    await env.redis.config('SET', 'maxmemory', '0');
    expect(
      await core.invoke('enqueue', sampleJob({ job_id: 'j-new', client_request_id: 'r-new' })),
    ).toEqual({ outcome: 'enqueued', job_id: 'j-new' });
    await env.redis.config('SET', 'maxmemory', LIMIT);
  });
});
