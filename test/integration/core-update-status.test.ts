import { describe, expect, it } from 'vitest';
import { JOB_STATUSES, type JobStatus } from '../../shared/contract';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';
import { snapshot } from '../helpers/redis-snapshot';

const ALLOWED = new Set([
  'pending>running',
  'running>completed',
  'running>failed',
  'running>pending',
]);
const pairs = JOB_STATUSES.flatMap((from) => JOB_STATUSES.map((to) => [from, to] as const));
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * docs/operations.md, "updateStatus": the transition rules, what each status sets, and the
 * audited override.
 */
describe('updateStatus transitions', () => {
  const env = useRedis();

  async function seed(status: JobStatus) {
    const hash = { job_id: 'job-1', status, workspace_id: 'ws-1', result: '', params: '{}' };
    await env.redis.hset(keys.oldJob('job-1'), hash);
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), hash);
  }
  const statuses = async () => [
    await env.redis.hget(keys.oldJob('job-1'), 'status'),
    await env.redis.hget(keys.newJob('ws-1', 'job-1'), 'status'),
  ];

  it.each(pairs)('%s -> %s is allowed iff docs/operations.md lists it', async (from, to) => {
    const core = env.core({ defaultFlag: 'on' });
    await seed(from);
    const before = await snapshot(env.redis);
    const call = core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-1', status: to });
    if (ALLOWED.has(`${from}>${to}`)) {
      await expect(call).resolves.toMatchObject({ status: to });
      expect(await statuses()).toEqual([to, to]);
    } else {
      await expect(call).rejects.toMatchObject({
        code: 'CONFLICT',
        details: { current_status: from, requested_status: to },
      });
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    }
  });

  it.each(pairs)('%s -> %s with force always applies', async (from, to) => {
    const core = env.core({ defaultFlag: 'on' });
    await seed(from);
    await core.invoke('updateStatus', {
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: to,
      force: true,
    });
    expect(await statuses()).toEqual([to, to]);
  });

  it('running sets started_at; completed sets finished_at and stores result in both copies', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await seed('pending');
    const running = await core.invoke('updateStatus', {
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: 'running',
    });
    expect(running.started_at).toMatch(ISO);
    expect(running.finished_at).toBeUndefined();
    const done = await core.invoke('updateStatus', {
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: 'completed',
      result: { sent: 2, to: ['a'] },
    });
    expect(done).toMatchObject({ status: 'completed', result: { sent: 2, to: ['a'] } });
    expect(done.finished_at).toMatch(ISO);
    for (const key of [keys.oldJob('job-1'), keys.newJob('ws-1', 'job-1')]) {
      expect(await env.redis.hmget(key, 'status', 'result', 'started_at')).toEqual([
        'completed',
        '{"sent":2,"to":["a"]}',
        running.started_at,
      ]);
    }
  });

  it('running -> pending requeues a stuck job: its id goes back on the queue, once', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await seed('running');
    await env.redis.rpush(keys.queue, 'other');
    await core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-1', status: 'pending' });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['other', 'job-1']);
    // Forcing pending onto a job that is pending already (so queued already) pushes nothing more.
    await core.invoke('updateStatus', {
      job_id: 'job-1',
      workspace_id: 'ws-1',
      status: 'pending',
      force: true,
    });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['other', 'job-1']);
    await core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-1', status: 'running' });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['other', 'job-1']);
  });

  it('a requeue onto a wrong-typed queue writes nothing', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await seed('running');
    await env.redis.set(keys.queue, 'planted');
    const before = await snapshot(env.redis);
    await expect(
      core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-1', status: 'pending' }),
    ).rejects.toMatchObject({ code: 'INTERNAL', details: { key: keys.queue } });
    expect([...(await snapshot(env.redis))]).toEqual([...before]);
  });

  it('failed without a result leaves the stored result untouched', async () => {
    const core = env.core();
    await seed('running');
    await env.redis.hset(keys.oldJob('job-1'), 'result', '{"partial":true}');
    const failed = await core.invoke('updateStatus', { job_id: 'job-1', status: 'failed' });
    expect(failed).toMatchObject({ status: 'failed', result: { partial: true } });
  });

  it('rejects an unknown status or a non-object result with VALIDATION naming the field', async () => {
    const core = env.core();
    await seed('running');
    await expect(
      core.invoke('updateStatus', { job_id: 'job-1', status: 'done' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'status' } });
    await expect(
      core.invoke('updateStatus', { job_id: 'job-1', status: 'completed', result: [1] }),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'result' } });
    expect(await statuses()).toEqual(['running', 'running']);
  });

  it('a forced change made by a person is written to the audit stream with its actor', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await seed('completed');
    await core.invoke(
      'updateStatus',
      { job_id: 'job-1', workspace_id: 'ws-1', status: 'pending', force: true, reason: 'stuck' },
      { actor: 'alice' },
    );
    await expect(
      core.invoke(
        'updateStatus',
        { job_id: 'job-1', workspace_id: 'ws-1', status: 'completed' },
        { actor: 'bob' },
      ),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const [refused, forced] = await core.invoke('audit', { limit: 10 });
    expect(forced).toMatchObject({
      actor: 'alice',
      operation: 'updateStatus',
      target: 'ws-1/job-1',
      outcome: 'ok',
    });
    expect(forced!.details).toMatch(/forced/);
    expect(forced!.details).toMatch(/stuck/);
    expect(refused).toMatchObject({ actor: 'bob', outcome: expect.stringMatching(/^CONFLICT/) });
  });
});
