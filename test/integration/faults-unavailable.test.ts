import { describe, expect, it } from 'vitest';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { freePort } from '../helpers/redis-server';
import { sampleJob, useRedis } from '../helpers/core';

const unavailable = { code: 'REDIS_UNAVAILABLE' };

/** Waits until the core's own connection answers again after a restart. */
async function untilAnswering(core: QueueCore): Promise<void> {
  for (;;) {
    try {
      await core.invoke('getFlag', {});
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** docs/operations.md, "Errors": an unreachable Redis is a REDIS_UNAVAILABLE error, not a hang. */
describe('Redis paused, killed or absent', () => {
  const env = useRedis({ appendonly: true });
  // The same bounded timeout as production, only shorter, to keep the file quick.
  const quickCore = () => env.core({ connection: { url: env.server.url, commandTimeoutMs: 1000 } });

  it('a paused Redis (SIGSTOP) fails calls with REDIS_UNAVAILABLE; after SIGCONT the retry enqueues once', async () => {
    const core = env.core(); // production settings: the bound is theirs;
    await core.invoke('enqueue', sampleJob({ job_id: 'warm-up' }));
    env.server.pause();
    try {
      const input = sampleJob({ client_request_id: 'req-paused' });
      await Promise.all([
        expect(core.invoke('enqueue', input)).rejects.toMatchObject(unavailable),
        expect(core.invoke('getJob', { job_id: 'warm-up' })).rejects.toMatchObject(unavailable),
      ]);
      env.server.resume();
      const again = await core.invoke('enqueue', input);
      // The timed-out attempt may have run once Redis woke up: then this is its duplicate.
      expect(['enqueued', 'duplicate']).toContain(again.outcome);
      expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['warm-up', again.job_id]);
    } finally {
      env.server.resume();
    }
  });

  it('a call reported failed is not replayed by the client when the connection comes back', async () => {
    const core = quickCore();
    await core.invoke('enqueue', sampleJob({ job_id: 'warm-up' }));
    env.server.pause();
    // Times out while the command sits unread in the stopped server's socket: the caller is told its outcome is unknown.
    await expect(core.invoke('enqueue', sampleJob({ job_id: 'cut-off' }))).rejects.toMatchObject(
      unavailable,
    );
    await env.server.kill('SIGKILL'); // the command dies with the server, unread
    await env.server.restart();
    await untilAnswering(core);
    expect(await env.redis.exists(keys.oldJob('cut-off'))).toBe(0);
    // So its caller's retry is a plain success, not a CONFLICT with its own ghost.
    expect(await core.invoke('enqueue', sampleJob({ job_id: 'cut-off' }))).toEqual({
      outcome: 'enqueued',
      job_id: 'cut-off',
    });
  });

  it('counts a dual-write attempt that failed while Redis was down, and reports it once Redis is back', async () => {
    const core = env.core();
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    await core.invoke('enqueue', sampleJob({ job_id: 'before-crash' }));
    await env.server.kill('SIGKILL');

    const error = await core
      .invoke('enqueue', sampleJob({ job_id: 'during-crash' }))
      .catch((e) => e);
    expect(error).toMatchObject(unavailable); // the outage, not anything from telemetry
    expect(error.message).toMatch(/Redis did not answer/);
    expect(core.unflushedFailures).toBe(1);

    await env.server.restart();
    await untilAnswering(core);
    const report = await core.invoke('metrics', { window: '15m', workspace_id: 'ws-1' });
    expect(report).toMatchObject({ succeeded: 1, failed: 1 });
    expect(core.unflushedFailures).toBe(0);
    expect(await env.redis.hget(keys.metricsTotal, 'ws-1|failed')).toBe('1');
  });

  it('fails with REDIS_UNAVAILABLE when nothing listens at the address', async () => {
    const core = env.core({ connection: { url: `redis://127.0.0.1:${await freePort()}` } });
    await expect(core.invoke('getJob', { job_id: 'j' })).rejects.toMatchObject(unavailable);
    await expect(core.invoke('enqueue', sampleJob())).rejects.toMatchObject(unavailable);
  });
});
