import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type CoreContext } from '../../electron/core/context';
import { readMetrics } from '../../electron/core/telemetry/metrics';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { sampleJob, useRedis } from '../helpers/core';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 20, 12, 30, 15);

describe('metrics history', () => {
  const env = useRedis();
  const context = (readOnly = false): CoreContext => ({
    redis: env.redis,
    config: { ...DEFAULT_CONFIG, readOnly },
    failures: new DualWriteFailures(DEFAULT_CONFIG.metricsRetentionSec),
    lastFlag: null,
  });
  const threeHoursAgo = NOW - (NOW % HOUR) - 3 * HOUR;

  it('samples the queue depth into the current minute bucket and returns it per point', async () => {
    const core = env.core();
    await env.redis.set('ai:flags:new_schema', 'on');
    await core.invoke('enqueue', sampleJob({ job_id: 'a' }));
    await core.invoke('enqueue', sampleJob({ job_id: 'b' }));
    const report = await core.invoke('metrics', { window: '15m', workspace_id: 'ws-1' });
    expect(report.succeeded).toBe(2);
    expect(report.queue_depth).toBe(2);
    const last = report.points[report.points.length - 1]!;
    expect(last).toMatchObject({ succeeded: 2, queue_depth: 2 });
    expect(await env.redis.hget(`ai:qs:dw:${last.minute}`, 'queue_depth')).toBe('2');
    expect(await env.redis.ttl(`ai:qs:dw:${last.minute}`)).toBeGreaterThan(0);
  });

  it('reads 7 days as hourly points from rollups kept in Redis', async () => {
    const minute = threeHoursAgo + 7 * 60_000;
    await env.redis.hset(`ai:qs:dw:${minute}`, {
      'ws-1|succeeded': '4',
      'ws-1|failed': '1',
      'ws-2|succeeded': '5',
      queue_depth: '9',
    });
    await env.redis.hset(`ai:qs:dw:${minute + 60_000}`, { 'ws-1|failed': '2', queue_depth: '3' });
    const report = await readMetrics(context(), '7d', 'ws-1', NOW);
    expect(report.points).toHaveLength(168);
    const point = report.points.find((p) => p.minute === threeHoursAgo);
    expect(point).toEqual({ minute: threeHoursAgo, succeeded: 4, failed: 3, queue_depth: 9 });
    expect(report.failed).toBe(3);
    expect(report.failure_rate).toBeCloseTo(3 / 7);
    expect(await env.redis.hgetall(`ai:qs:dwr:60m:${threeHoursAgo}`)).toEqual({
      'ws-1|succeeded': '4',
      'ws-1|failed': '3',
      'ws-2|succeeded': '5',
      queue_depth: '9',
      _rolled: '1',
    });

    // Another console reads the stored rollup, not the minute buckets.
    await env.redis.del(`ai:qs:dw:${minute}`, `ai:qs:dw:${minute + 60_000}`);
    const again = await readMetrics(context(), '7d', undefined, NOW);
    expect(again.points.find((p) => p.minute === threeHoursAgo)).toMatchObject({
      succeeded: 9,
      failed: 3,
    });
  });

  it('issues a few hundred reads for a 7-day window, not 10,080', async () => {
    const before = await commandCount('hgetall');
    await readMetrics(context(), '7d', undefined, NOW);
    const cold = (await commandCount('hgetall')) - before;
    const ctx = context();
    await readMetrics(ctx, '7d', undefined, NOW);
    const mid = await commandCount('hgetall');
    await readMetrics(ctx, '7d', undefined, NOW + 2000);
    const warm = (await commandCount('hgetall')) - mid;
    expect(cold).toBeGreaterThan(10_000);
    expect(warm).toBeLessThanOrEqual(60);
  });

  it('writes neither rollups nor depth samples when read-only', async () => {
    await env.redis.hset(`ai:qs:dw:${threeHoursAgo}`, { 'ws-1|succeeded': '1' });
    const report = await readMetrics(context(true), '24h', undefined, NOW);
    expect(report.succeeded).toBe(1);
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await env.redis.scan(cursor, 'MATCH', 'ai:qs:dwr:*', 'COUNT', 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    expect(found).toEqual([]);
    expect(await env.redis.hget(`ai:qs:dw:${NOW - (NOW % 60_000)}`, 'queue_depth')).toBeNull();
  });

  async function commandCount(name: string): Promise<number> {
    const info = await env.redis.info('commandstats');
    const match = new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info);
    return match ? Number(match[1]) : 0;
  }
});
