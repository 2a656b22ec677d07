import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';
import { snapshot } from '../helpers/redis-snapshot';

const wrongWorkspace = {
  code: 'VALIDATION',
  details: { field: 'workspace_id', given: 'ws-2', job_workspace: 'ws-1' },
};

/** update_status and retry: a workspace that is not the job's own is refused, nothing written. */
describe('a wrong workspace never splits a job', () => {
  const env = useRedis();
  const oldKey = keys.oldJob('job-1');
  const newKey = keys.newJob('ws-1', 'job-1');
  const hash = (status: string) => ({
    job_id: 'job-1',
    status,
    workspace_id: 'ws-1',
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'user-1',
    params: '{"to": "a"}',
    result: status === 'failed' ? '{"error": "timeout"}' : '',
    enqueued_at: '2025-01-01T00:00:00+00:00',
  });

  /** Both copies written by another producer, the way its own HSETs leave them. */
  async function plant(status: string): Promise<void> {
    await env.redis.hset(oldKey, hash(status));
    await env.redis.hset(newKey, hash(status));
  }

  /** Both copies written by the core itself: dual-write on, then moved to `status`. */
  async function enqueueThroughCore(core: QueueCore, status: 'running' | 'failed'): Promise<void> {
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'job-1' }));
    const move = { job_id: 'job-1', workspace_id: 'ws-1' };
    await core.invoke('updateStatus', { ...move, status: 'running' });
    if (status === 'failed') await core.invoke('updateStatus', { ...move, status: 'failed' });
  }

  const planters = [
    [
      'planted with raw HSET by another producer',
      (_: QueueCore, s: 'running' | 'failed') => plant(s),
    ],
    ['written through the core', enqueueThroughCore],
  ] as const;

  describe.each(planters)('a job %s', (_, planted) => {
    it('retry with another workspace is VALIDATION naming both, and the keyspace is byte-identical', async () => {
      const core = env.core({ defaultFlag: 'on' });
      await planted(core, 'failed');
      const before = await snapshot(env.redis);
      const error = await core
        .invoke('retry', { job_id: 'job-1', workspace_id: 'ws-2', actor_id: 'ops-1' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject(wrongWorkspace);
      expect((error as Error).message).toMatch(/ws-1/);
      expect((error as Error).message).toMatch(/ws-2/);
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    });

    it('update_status with another workspace is VALIDATION, even forced, and the keyspace is byte-identical', async () => {
      const core = env.core({ defaultFlag: 'on' });
      await planted(core, 'running');
      const before = await snapshot(env.redis);
      for (const force of [false, true]) {
        await expect(
          core.invoke('updateStatus', {
            job_id: 'job-1',
            workspace_id: 'ws-2',
            status: 'completed',
            result: { sent: 1 },
            force,
          }),
        ).rejects.toMatchObject(wrongWorkspace);
      }
      expect([...(await snapshot(env.redis))]).toEqual([...before]);
    });

    it('the right workspace updates both copies alike', async () => {
      const core = env.core({ defaultFlag: 'on' });
      await planted(core, 'running');
      const input = { job_id: 'job-1', workspace_id: 'ws-1' };
      await core.invoke('updateStatus', { ...input, status: 'failed', result: { error: 'x' } });
      expect(await env.redis.hgetall(newKey)).toEqual(await env.redis.hgetall(oldKey));
      expect(await env.redis.hget(oldKey, 'status')).toBe('failed');

      const job = await core.invoke('retry', { ...input, actor_id: 'ops-1' });
      expect(job).toMatchObject({ status: 'pending', retried_by: 'ops-1' });
      expect(await env.redis.hgetall(newKey)).toEqual(await env.redis.hgetall(oldKey));
      expect(await env.redis.hmget(oldKey, 'status', 'retried_by')).toEqual(['pending', 'ops-1']);
    });
  });

  it('a stray copy under the wrong workspace does not make that workspace the job’s own', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await plant('failed');
    await env.redis.hset(keys.newJob('ws-2', 'job-1'), hash('failed'));
    const before = await snapshot(env.redis);
    await expect(
      core.invoke('retry', { job_id: 'job-1', workspace_id: 'ws-2', actor_id: 'ops-1' }),
    ).rejects.toMatchObject(wrongWorkspace);
    expect([...(await snapshot(env.redis))]).toEqual([...before]);
  });

  it('with no old copy the new key fixes the workspace: its own updates, another is NOT_FOUND', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await env.redis.hset(newKey, hash('failed'));
    const before = await snapshot(env.redis);
    await expect(
      core.invoke('retry', { job_id: 'job-1', workspace_id: 'ws-2', actor_id: 'ops-1' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect([...(await snapshot(env.redis))]).toEqual([...before]);

    await core.invoke('retry', { job_id: 'job-1', workspace_id: 'ws-1', actor_id: 'ops-1' });
    expect(await env.redis.hget(newKey, 'status')).toBe('pending');
    expect(await env.redis.exists(oldKey)).toBe(0);
  });

  it('an old copy that names no workspace (a legacy producer) takes the one given', async () => {
    const core = env.core();
    const { workspace_id: _, ...legacy } = hash('running');
    await env.redis.hset(oldKey, legacy);
    await core.invoke('updateStatus', { job_id: 'job-1', workspace_id: 'ws-2', status: 'failed' });
    expect(await env.redis.hget(oldKey, 'status')).toBe('failed');
  });

  it('update_status without a workspace (dual-write off) has nothing to compare and updates the old copy', async () => {
    const core = env.core();
    await env.redis.hset(oldKey, hash('running'));
    await core.invoke('updateStatus', { job_id: 'job-1', status: 'completed' });
    expect(await env.redis.hget(oldKey, 'status')).toBe('completed');
  });
});
