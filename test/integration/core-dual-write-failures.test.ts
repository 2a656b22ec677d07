import { describe, expect, it } from 'vitest';
import { keys, minuteOf } from '../../electron/core/keys';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { useRedis } from '../helpers/core';

const AT = Date.UTC(2026, 0, 1, 12, 30, 15);
const bucket = keys.metricsBucket(minuteOf(AT));

/**
 * docs/operations.md, "enqueue", step 5: failed attempts are kept in memory until Redis takes
 * them, never lost or doubled.
 */
describe('the in-memory failed-attempt counter', () => {
  const env = useRedis();

  it('writes each count once into its minute and the totals, however many flushes overlap', async () => {
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 1, AT);
    failures.record('ws-1', 1, AT + 1000);
    failures.record('ws-2', 3, AT);
    await Promise.all([
      failures.flush(env.redis),
      failures.flush(env.redis),
      failures.flush(env.redis),
    ]);
    expect(await env.redis.hgetall(bucket)).toEqual({ 'ws-1|failed': '2', 'ws-2|failed': '3' });
    expect(await env.redis.hgetall(keys.metricsTotal)).toEqual({
      'ws-1|failed': '2',
      'ws-2|failed': '3',
    });
    expect(await env.redis.ttl(bucket)).toBeGreaterThan(3500);
    expect(failures.unflushed).toBe(0);
  });

  it('a flush that finds another in flight still writes what was recorded since', async () => {
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 1, AT);
    const first = failures.flush(env.redis);
    failures.record('ws-1', 1, AT);
    await failures.flush(env.redis);
    expect(await env.redis.hget(keys.metricsTotal, 'ws-1|failed')).toBe('2');
    await first;
  });

  it('keeps the counts when Redis refuses them, and writes them on the next flush', async () => {
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 4, AT);
    await env.redis.config('SET', 'maxmemory', '1'); // every write refused with OOM
    try {
      await failures.flush(env.redis);
      expect(failures.unflushed).toBe(4);
      expect(await env.redis.exists(keys.metricsTotal)).toBe(0);
    } finally {
      await env.redis.config('SET', 'maxmemory', '0');
    }
    await failures.flush(env.redis);
    expect(failures.unflushed).toBe(0);
    expect(await env.redis.hget(bucket, 'ws-1|failed')).toBe('4');
  });

  it('does not try while the client is not connected', async () => {
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 1, AT);
    const idle = env.server.client();
    idle.disconnect();
    await failures.flush(idle);
    expect(failures.unflushed).toBe(1);
  });
});
