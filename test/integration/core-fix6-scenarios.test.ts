import { describe, expect, it } from 'vitest';
import { sampleJob, useRedis } from '../helpers/core';
import { changedKeys, snapshot } from '../helpers/redis-snapshot';

/**
 * The ten failure scenarios of the original Python queue's tests, held to docs/operations.md
 * ("Atomic writes", "enqueue"), with real faults planted in a real Redis where those tests mocked
 * `hset`.
 */
describe("the Python queue's failure scenarios, with real faults", () => {
  const env = useRedis();
  const job = (overrides: Record<string, unknown> = {}) =>
    sampleJob({
      workspace_id: 'workspace-123',
      actor_id: 'user-456',
      params: { to: 'test@example.com' },
      ...overrides,
    });
  const flagOn = () => env.redis.set('ai:flags:new_schema', 'on');

  it('blocks an actual duplicate: same client_request_id, different job id', async () => {
    const core = env.core();
    const first = await core.invoke(
      'enqueue',
      job({ job_id: 'job-dup-1', client_request_id: 'req-dup' }),
    );
    const second = await core.invoke(
      'enqueue',
      job({
        job_id: 'job-dup-2',
        client_request_id: 'req-dup',
        params: { to: 'test2@example.com' },
      }),
    );
    expect(first).toEqual({ outcome: 'enqueued', job_id: 'job-dup-1' });
    expect(second).toEqual({ outcome: 'duplicate', job_id: 'job-dup-1' });
    expect(await env.redis.exists('ai:jobs:job-dup-2')).toBe(0);
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-dup-1']);
  });

  it('lets the same request succeed after an attempt that failed on the new-schema key', async () => {
    const core = env.core();
    await flagOn();
    // The fault: something else holds the new-schema key with another type.
    await env.redis.set('ai:job:workspace-123:job-x1', 'not a hash');
    const input = job({ job_id: 'job-x1', client_request_id: 'req-retry-test' });
    await expect(core.invoke('enqueue', input)).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(await env.redis.exists('ai:jobs:job-x1')).toBe(0);
    expect(await env.redis.exists('ai:idempotency:workspace-123:req-retry-test')).toBe(0);

    await env.redis.del('ai:job:workspace-123:job-x1');
    expect(await core.invoke('enqueue', input)).toEqual({ outcome: 'enqueued', job_id: 'job-x1' });
    expect(await env.redis.hget('ai:jobs:job-x1', 'status')).toBe('pending');
    expect(await env.redis.hget('ai:job:workspace-123:job-x1', 'status')).toBe('pending');
    expect(await env.redis.get('ai:idempotency:workspace-123:req-retry-test')).toBe('job-x1');
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-x1']);
  });

  it('leaves no partial write when the new-schema write cannot happen', async () => {
    const core = env.core();
    await flagOn();
    await env.redis.rpush('ai:job:workspace-123:job-cleanup-1', 'occupied');
    const before = await snapshot(env.redis);
    await expect(core.invoke('enqueue', job({ job_id: 'job-cleanup-1' }))).rejects.toMatchObject({
      code: 'INTERNAL',
      details: { key: 'ai:job:workspace-123:job-cleanup-1' },
    });
    await core.close(); // settles the failed-attempt counter, the only thing allowed to change
    const changed = changedKeys(before, await snapshot(env.redis));
    expect(changed.filter((k) => !k.startsWith('ai:qs:dw:'))).toEqual([]);
    expect(await env.redis.exists('ai:jobs:job-cleanup-1')).toBe(0);
    expect(await env.redis.hget('ai:qs:dw:total', 'workspace-123|failed')).toBe('1');
  });

  it('updates neither copy when the new copy cannot be written', async () => {
    const core = env.core();
    await flagOn();
    await env.redis.hset('ai:jobs:job-update-1', { job_id: 'job-update-1', status: 'running' });
    await env.redis.sadd('ai:job:workspace-123:job-update-1', 'corrupted');
    const before = await snapshot(env.redis);
    await expect(
      core.invoke('updateStatus', {
        job_id: 'job-update-1',
        status: 'completed',
        workspace_id: 'workspace-123',
      }),
    ).rejects.toMatchObject({ code: 'INTERNAL' });
    expect(changedKeys(before, await snapshot(env.redis))).toEqual([]);
    expect(await env.redis.hget('ai:jobs:job-update-1', 'status')).toBe('running');
  });

  it.each([
    ['empty', ''],
    ['null', null],
    ['missing', undefined],
    ['a colon', 'ws:1'],
    ['a glob', 'ws*'],
    ['a space', 'ws 1'],
    ['a number', 123],
  ])('rejects a workspace_id that is %s, naming the field, before writing', async (_, ws) => {
    const core = env.core({ defaultFlag: 'on' });
    await expect(
      core.invoke('enqueue', job({ job_id: 'job-val-1', workspace_id: ws })),
    ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'workspace_id' } });
    await expect(
      core.invoke('enqueue', job({ job_id: 'job-val-1', workspace_id: ws })),
    ).rejects.toThrow(/workspace_id/);
    expect(await env.redis.dbsize()).toBe(0);
  });

  it('requires workspace_id for updateStatus while the flag is on, and creates nothing', async () => {
    await flagOn();
    const core = env.core();
    await env.redis.hset('ai:jobs:job-req-2', { job_id: 'job-req-2', status: 'running' });
    for (const jobId of ['job-req-1', 'job-req-2']) {
      await expect(
        core.invoke('updateStatus', { job_id: jobId, status: 'completed' }),
      ).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'workspace_id' } });
    }
    expect(await env.redis.exists('ai:jobs:job-req-1')).toBe(0);
    expect(await env.redis.hget('ai:jobs:job-req-2', 'status')).toBe('running');
    // The environment default counts as the flag too when the key is absent.
    await env.redis.del('ai:flags:new_schema');
    await expect(
      env
        .core({ defaultFlag: 'on' })
        .invoke('updateStatus', { job_id: 'job-req-2', status: 'completed' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await env.redis.hget('ai:jobs:job-req-2', 'status')).toBe('running');
  });

  it('getJob reads the new copy while the flag is on, falling back to the old one', async () => {
    const core = env.core();
    await flagOn();
    const old = {
      job_id: 'job-fb-1',
      status: 'pending',
      action_provider: 'google',
      action_name: 'gmail.send',
      params: '{}',
      workspace_id: 'workspace-123',
      actor_id: 'user-456',
      result: '',
      enqueued_at: '2025-01-01T00:00:00Z',
    };
    await env.redis.hset('ai:jobs:job-fb-1', old);
    const fallback = await core.invoke('getJob', {
      job_id: 'job-fb-1',
      workspace_id: 'workspace-123',
    });
    expect(fallback).toMatchObject({ source: 'old', job: { job_id: 'job-fb-1', params: {} } });

    await env.redis.hset('ai:job:workspace-123:job-fb-1', { ...old, status: 'running' });
    const fromNew = await core.invoke('getJob', {
      job_id: 'job-fb-1',
      workspace_id: 'workspace-123',
    });
    expect(fromNew).toMatchObject({ source: 'new', job: { status: 'running' } });

    await env.redis.set('ai:flags:new_schema', 'off');
    const flagOff = await core.invoke('getJob', {
      job_id: 'job-fb-1',
      workspace_id: 'workspace-123',
    });
    expect(flagOff).toMatchObject({ source: 'old', job: { status: 'pending' } });
    expect(await core.invoke('getJob', { job_id: 'job-none' })).toBeNull();
  });

  it('updateStatus updates the old copy and skips a missing new copy without creating it', async () => {
    const core = env.core();
    await flagOn();
    await env.redis.hset('ai:jobs:job-ne-1', { job_id: 'job-ne-1', status: 'running' });
    const job1 = await core.invoke('updateStatus', {
      job_id: 'job-ne-1',
      status: 'completed',
      workspace_id: 'workspace-123',
      result: { ok: true },
    });
    expect(job1).toMatchObject({ status: 'completed', result: { ok: true } });
    expect(await env.redis.hget('ai:jobs:job-ne-1', 'status')).toBe('completed');
    expect(await env.redis.exists('ai:job:workspace-123:job-ne-1')).toBe(0);
  });

  it('updateStatus on an unknown job is NOT_FOUND and creates no key', async () => {
    const core = env.core();
    await expect(
      core.invoke('updateStatus', { job_id: 'job-ghost', status: 'completed' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await flagOn();
    await expect(
      core.invoke('updateStatus', {
        job_id: 'job-ghost',
        status: 'running',
        workspace_id: 'workspace-123',
        force: true,
      }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await snapshot(env.redis)).size).toBe(1); // only the flag
  });

  it('writes old copy, new copy and queue entry together while the flag is on', async () => {
    const core = env.core();
    await flagOn();
    expect(await core.invoke('enqueue', job({ job_id: 'job-atomic-1' }))).toEqual({
      outcome: 'enqueued',
      job_id: 'job-atomic-1',
    });
    const old = await env.redis.hgetall('ai:jobs:job-atomic-1');
    expect(old).toMatchObject({ status: 'pending', workspace_id: 'workspace-123' });
    expect(await env.redis.hgetall('ai:job:workspace-123:job-atomic-1')).toEqual(old);
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-atomic-1']);
  });
});
