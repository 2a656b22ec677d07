import { describe, expect, it } from 'vitest';
import { sampleJob, useRedis } from '../helpers/core';

describe('enqueue', () => {
  const env = useRedis();

  it('writes the old hash only while the flag is off', async () => {
    const core = env.core();
    const out = await core.invoke('enqueue', sampleJob({ job_id: 'job-1' }));
    expect(out).toEqual({ outcome: 'enqueued', job_id: 'job-1' });
    expect(await env.redis.hgetall('ai:jobs:job-1')).toMatchObject({
      job_id: 'job-1',
      status: 'pending',
      workspace_id: 'ws-1',
      params: '{"to":"a@example.com"}',
      result: '',
    });
    expect(await env.redis.exists('ai:job:ws-1:job-1')).toBe(0);
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-1']);
  });

  it('dual-writes when the flag is on in Redis and counts a succeeded attempt', async () => {
    const core = env.core();
    await env.redis.set('ai:flags:new_schema', 'on');
    await core.invoke('enqueue', sampleJob({ job_id: 'job-2' }));
    expect(await env.redis.hgetall('ai:job:ws-1:job-2')).toEqual(
      await env.redis.hgetall('ai:jobs:job-2'),
    );
    const report = await core.invoke('metrics', { window: '15m' });
    expect(report.succeeded).toBe(1);
    expect(report.failed).toBe(0);
  });

  it('returns the first job id for a duplicate request id and writes nothing else', async () => {
    const core = env.core();
    const first = await core.invoke('enqueue', sampleJob({ client_request_id: 'req-1' }));
    const second = await core.invoke(
      'enqueue',
      sampleJob({ client_request_id: 'req-1', job_id: 'other' }),
    );
    expect(second).toEqual({ outcome: 'duplicate', job_id: first.job_id });
    expect(await env.redis.exists('ai:jobs:other')).toBe(0);
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
    expect(await env.redis.ttl(`ai:idempotency:ws-1:req-1`)).toBeGreaterThan(86_000);
  });

  it('refuses an existing job id with CONFLICT', async () => {
    const core = env.core();
    await core.invoke('enqueue', sampleJob({ job_id: 'job-3' }));
    await expect(core.invoke('enqueue', sampleJob({ job_id: 'job-3' }))).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    expect(await env.redis.llen('ai:queue:pending')).toBe(1);
  });
});
