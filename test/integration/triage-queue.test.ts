import { describe, expect, it } from 'vitest';
import { QUEUE_REACH } from '../../electron/core/triage/queue';
import { snapshot } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';

/** docs/triage.md "Queue" and "Remove from queue". */
describe('the pending queue', () => {
  const env = useRedis();

  it('pages ai:queue:pending from the head with each entry position, workspace and status', async () => {
    const core = env.core();
    await core.invoke('enqueueMany', {
      jobs: Array.from({ length: 7 }, (_, i) =>
        sampleJob({ job_id: `q-${i}`, workspace_id: i % 2 ? 'ws-odd' : 'ws-even' }),
      ),
    });
    await env.redis.rpush('ai:queue:pending', 'ghost-entry');
    await core.invoke('updateStatus', { job_id: 'q-3', status: 'running' });

    const first = await core.invoke('queuePage', { offset: 0, limit: 3 });
    expect(first.total).toBe(8);
    expect(first.entries.map((e) => [e.position, e.job_id, e.workspace_id, e.status])).toEqual([
      [0, 'q-0', 'ws-even', 'pending'],
      [1, 'q-1', 'ws-odd', 'pending'],
      [2, 'q-2', 'ws-even', 'pending'],
    ]);
    expect(first.entries[0]).toMatchObject({ action: 'google.gmail.send', missing: false });
    const last = await core.invoke('queuePage', { offset: 6, limit: 3, job_id: 'q-5' });
    expect(last.entries.map((e) => [e.position, e.job_id, e.missing])).toEqual([
      [6, 'q-6', false],
      [7, 'ghost-entry', true],
    ]);
    expect(last.job_position).toBe(5);
    expect((await core.invoke('queuePage', { job_id: 'not-queued' })).job_position).toBeNull();
    await expect(core.invoke('queuePage', { offset: -1 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('removes every entry of a pending job and marks both copies failed with the reason, audited', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'poison', workspace_id: 'ws-a' }));
    await core.invoke('enqueue', sampleJob({ job_id: 'healthy', workspace_id: 'ws-a' }));
    await env.redis.rpush('ai:queue:pending', 'poison');

    const out = await core.invoke(
      'removeFromQueue',
      { job_id: 'poison', reason: 'crashes the worker', actor_id: 'ops-kim' },
      { actor: 'ops-kim' },
    );
    expect(out).toEqual({
      job_id: 'poison',
      workspace_id: 'ws-a',
      removed: 2,
      status_before: 'pending',
      status_after: 'failed',
      beyond_reach: 0,
    });
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['healthy']);
    for (const key of ['ai:jobs:poison', 'ai:job:ws-a:poison']) {
      const hash = await env.redis.hgetall(key);
      expect(hash.status).toBe('failed');
      expect(hash.finished_at).toMatch(/Z$/);
      expect(JSON.parse(hash.result!)).toMatchObject({
        error: 'removed_from_queue',
        reason: 'crashes the worker',
        removed_by: 'ops-kim',
      });
    }
    const rows = (await core.invoke('listJobs', { workspace_id: 'ws-a' })).rows;
    expect(rows.find((r) => r.job_id === 'poison')?.error).toBe(
      'removed_from_queue: Removed from the queue by ops-kim: crashes the worker',
    );
    const [entry] = await core.invoke('audit', { limit: 1 });
    expect(entry).toMatchObject({
      actor: 'ops-kim',
      operation: 'removeFromQueue',
      target: 'ws-a/poison',
      outcome: 'ok',
    });
    expect(entry!.details).toContain('reason: crashes the worker');
    expect(entry!.details).toContain('removed 2 queue entries');

    // Retry puts a removed job back: it is failed now.
    await core.invoke('retry', { job_id: 'poison', workspace_id: 'ws-a', actor_id: 'ops' });
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['healthy', 'poison']);
  });

  it('leaves a job that is not pending as it is, and removes an orphan entry', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'busy' }));
    await core.invoke('updateStatus', { job_id: 'busy', status: 'running' });
    await env.redis.rpush('ai:queue:pending', 'busy', 'orphan');
    const busy = await core.invoke('removeFromQueue', {
      job_id: 'busy',
      reason: 'duplicate entry',
      actor_id: 'ops',
    });
    expect(busy).toMatchObject({ removed: 2, status_before: 'running', status_after: 'running' });
    expect(await env.redis.hget('ai:jobs:busy', 'status')).toBe('running');
    const orphan = await core.invoke('removeFromQueue', {
      job_id: 'orphan',
      reason: 'no job',
      actor_id: 'ops',
    });
    expect(orphan).toMatchObject({ removed: 1, workspace_id: null, status_before: null });
    expect(await env.redis.exists('ai:jobs:orphan')).toBe(0);
  });

  it('looks only at the head of a long queue: a deeper entry is refused, nothing written', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'near' }));
    const filler = QUEUE_REACH + 5_000;
    for (let i = 0; i < filler; i += 5_000) {
      await env.redis.rpush(
        'ai:queue:pending',
        ...Array.from({ length: 5_000 }, (_, j) => `filler-${i + j}`),
      );
    }
    await core.invoke('enqueue', sampleJob({ job_id: 'deep' }));
    const before = await snapshot(env.redis);
    await expect(
      core.invoke('removeFromQueue', { job_id: 'deep', reason: 'poison', actor_id: 'ops' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reach: QUEUE_REACH, queue_length: filler + 2 },
    });
    expect(await snapshot(env.redis)).toEqual(before);
    expect((await core.invoke('queuePage', { job_id: 'deep', limit: 1 })).job_position).toBeNull();

    const near = await core.invoke('removeFromQueue', {
      job_id: 'near',
      reason: 'poison',
      actor_id: 'ops',
    });
    expect(near).toMatchObject({ removed: 1, beyond_reach: filler + 2 - QUEUE_REACH });
    expect(await env.redis.lindex('ai:queue:pending', 0)).toBe('filler-0');
  });

  it('writes nothing when the job is not queued, the workspace is wrong, a key has the wrong type, or the connection is read-only', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-1', workspace_id: 'ws-a' }));
    await core.invoke('enqueue', sampleJob({ job_id: 'job-2', workspace_id: 'ws-a' }));
    await env.redis.lrem('ai:queue:pending', 0, 'job-2');
    const before = await snapshot(env.redis);
    const input = { reason: 'poison', actor_id: 'ops' };

    await expect(
      core.invoke('removeFromQueue', { ...input, job_id: 'job-2' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      core.invoke('removeFromQueue', { ...input, job_id: 'job-1', workspace_id: 'ws-b' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { job_workspace: 'ws-a' } });
    await expect(
      env.core({ readOnly: true }).invoke('removeFromQueue', { ...input, job_id: 'job-1' }),
    ).rejects.toMatchObject({ code: 'READ_ONLY' });
    await expect(
      core.invoke('removeFromQueue', { ...input, job_id: 'job-1', reason: '   ' }),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'reason' } });
    expect(await snapshot(env.redis)).toEqual(before);

    await env.redis.set('ai:job:ws-a:job-1', 'not a hash');
    const wrongType = await snapshot(env.redis);
    await expect(
      core.invoke('removeFromQueue', { ...input, job_id: 'job-1' }),
    ).rejects.toMatchObject({ code: 'INTERNAL', details: { redis_error: 'WRONGTYPE' } });
    expect(await snapshot(env.redis)).toEqual(wrongType);
  });
});
