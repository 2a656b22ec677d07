import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys, minuteOf } from '../../electron/core/keys';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { sampleJob } from '../helpers/core';
import { ownerOf, useClusterWritesFixture } from '../helpers/cluster-writes';

/**
 * docs/operations.md, "enqueue", step 5, on a real 3-master cluster (docs/topologies.md "Cluster
 * writes"): failed dual-write attempts are flushed one key at a time, never lost or doubled.
 */
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterWritesFixture();
beforeAll(() => {
  ({ core, direct } = fixture);
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A minute whose bucket is on another master than the totals. */
function minuteAwayFromTotals(): number {
  for (let m = minuteOf(Date.UTC(2026, 0, 1)); ; m += 60_000) {
    if (ownerOf(direct, keys.metricsBucket(m)) !== ownerOf(direct, keys.metricsTotal)) return m;
  }
}

function masterOf(key: string): Redis {
  const owner = ownerOf(direct, key);
  return direct.nodes('master').find((n) => `${n.options.host}:${n.options.port}` === owner)!;
}

describe('failed dual-write counts on a cluster (docs/operations.md "enqueue")', () => {
  it('writes each count once into its minute and the totals, buckets and totals on different masters', async () => {
    const minute = minuteAwayFromTotals();
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 1, minute);
    failures.record('ws-1', 1, minute + 120_000);
    failures.record('ws-2', 3, minute);
    await Promise.all([
      failures.flush(direct as unknown as Redis),
      failures.flush(direct as unknown as Redis),
    ]);
    expect(await direct.hgetall(keys.metricsBucket(minute))).toEqual({
      'ws-1|failed': '1',
      'ws-2|failed': '3',
    });
    expect(await direct.hgetall(keys.metricsBucket(minute + 120_000))).toEqual({
      'ws-1|failed': '1',
    });
    expect(await direct.hgetall(keys.metricsTotal)).toEqual({
      'ws-1|failed': '2',
      'ws-2|failed': '3',
    });
    expect(await direct.ttl(keys.metricsBucket(minute))).toBeGreaterThan(3500);
    expect(failures.unflushed).toBe(0);
  });

  it('a master that refuses the totals keeps only the totals owed: the next flush writes them, the bucket is not counted twice', async () => {
    const minute = minuteAwayFromTotals();
    const failures = new DualWriteFailures(3600);
    failures.record('ws-1', 4, minute);
    const totalsMaster = masterOf(keys.metricsTotal);
    await totalsMaster.config('SET', 'maxmemory', '1'); // every write refused with OOM
    try {
      await failures.flush(direct as unknown as Redis);
      expect(failures.unflushed).toBe(4);
      expect(await direct.hget(keys.metricsBucket(minute), 'ws-1|failed')).toBe('4');
      expect(await direct.exists(keys.metricsTotal)).toBe(0);
    } finally {
      await totalsMaster.config('SET', 'maxmemory', '0');
    }
    await failures.flush(direct as unknown as Redis);
    expect(failures.unflushed).toBe(0);
    expect(await direct.hget(keys.metricsBucket(minute), 'ws-1|failed')).toBe('4');
    expect(await direct.hget(keys.metricsTotal, 'ws-1|failed')).toBe('4');
  });

  it('a cluster enqueue that fails while the flag is on is counted as a failed attempt and flushed', async () => {
    await direct.set(keys.flag, 'on');
    await direct.set(keys.queue, 'not a list');
    await expect(core.invoke('enqueue', sampleJob({ workspace_id: 'ws-f' }))).rejects.toMatchObject(
      {
        code: 'INTERNAL',
        details: { redis_error: 'WRONGTYPE' },
      },
    );
    const { results } = await core.invoke('enqueueMany', {
      jobs: [sampleJob({ workspace_id: 'ws-f' }), sampleJob({ workspace_id: 'ws-g' })],
    });
    expect(results.map((r) => r.outcome)).toEqual(['error', 'error']);
    while ((await direct.hget(keys.metricsTotal, 'ws-g|failed')) === null) await sleep(20);
    expect(await direct.hget(keys.metricsTotal, 'ws-f|failed')).toBe('2');
    expect(core.unflushedFailures).toBe(0);
  });
});
