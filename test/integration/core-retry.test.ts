import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';
import { snapshot } from '../helpers/redis-snapshot';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/**
 * docs/operations.md, "retry": a failed job back to pending, attempts + 1, in every copy, queued
 * exactly once.
 */
describe('retry', () => {
  const env = useRedis();
  const failed = {
    job_id: 'job-1',
    status: 'failed',
    workspace_id: 'ws-1',
    params: '{"to":"a"}',
    result: '{"error":"timeout"}',
    started_at: '2025-01-01T00:00:01.000Z',
    finished_at: '2025-01-01T00:00:02.000Z',
    attempts: '2',
    custom: 'kept',
  };
  const input = { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops-1' };

  it('resets both copies, counts the attempt, and pushes the id once at the tail', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await env.redis.hset(keys.oldJob('job-1'), failed);
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), failed);
    await env.redis.rpush(keys.queue, 'a', 'b');
    const job = await core.invoke('retry', input);
    expect(job).toMatchObject({
      status: 'pending',
      attempts: 3,
      retried_by: 'ops-1',
      result: null,
    });
    expect(job.retried_at).toMatch(ISO);
    const [oldHash, newHash] = await Promise.all([
      env.redis.hgetall(keys.oldJob('job-1')),
      env.redis.hgetall(keys.newJob('ws-1', 'job-1')),
    ]);
    expect(newHash).toEqual(oldHash);
    expect(oldHash).toEqual({
      job_id: 'job-1',
      status: 'pending',
      workspace_id: 'ws-1',
      params: '{"to":"a"}',
      result: '',
      attempts: '3',
      retried_at: job.retried_at,
      retried_by: 'ops-1',
      custom: 'kept',
    });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['a', 'b', 'job-1']);
  });

  it('a job without attempts becomes attempt 1; a second retry is a CONFLICT and queues nothing', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('job-1'), { job_id: 'job-1', status: 'failed' });
    expect(await core.invoke('retry', input)).toMatchObject({ attempts: 1 });
    await expect(core.invoke('retry', input)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { current_status: 'pending' },
    });
    expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['job-1']);
  });

  it('updates only the copies that exist: old-only stays old-only, new-only stays new-only', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await env.redis.hset(keys.oldJob('job-1'), failed);
    await core.invoke('retry', input);
    expect(await env.redis.exists(keys.newJob('ws-1', 'job-1'))).toBe(0);

    await env.redis.flushall();
    await env.redis.hset(keys.newJob('ws-1', 'job-1'), failed);
    await core.invoke('retry', input);
    expect(await env.redis.exists(keys.oldJob('job-1'))).toBe(0);
    expect(await env.redis.hget(keys.newJob('ws-1', 'job-1'), 'status')).toBe('pending');
  });

  it.each(['pending', 'running', 'completed', ''])(
    'refuses a job whose status is "%s" with CONFLICT and changes nothing',
    async (status) => {
      const core = env.core();
      await env.redis.hset(keys.oldJob('job-1'), { ...failed, status });
      const before = await snapshot(env.redis);
      await expect(core.invoke('retry', input)).rejects.toMatchObject({ code: 'CONFLICT' });
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    },
  );

  it('an unknown job is NOT_FOUND and nothing is created', async () => {
    const core = env.core();
    await expect(core.invoke('retry', input)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await env.redis.dbsize()).toBe(0);
  });

  it('is audited with its actor when a person triggers it', async () => {
    const core = env.core();
    await env.redis.hset(keys.oldJob('job-1'), failed);
    await core.invoke('retry', input, { actor: 'ops-1' });
    const [entry] = await core.invoke('audit', { limit: 1 });
    expect(entry).toMatchObject({
      actor: 'ops-1',
      operation: 'retry',
      target: 'ws-1/job-1',
      outcome: 'ok',
    });
  });
});
