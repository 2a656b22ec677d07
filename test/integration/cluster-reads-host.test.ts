import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys, minuteOf } from '../../electron/core/keys';
import { clusterFlagHistory, slotOf } from '../../electron/core/cluster/slot-tags';
import { sampleDepthOnce, startDepthSampler } from '../../electron/core/telemetry/depth-sampler';
import { buildKeyspace, type KeyWriter } from '../helpers/cluster-keyspace';
import { useClusterEnqueueFixture } from '../helpers/cluster-enqueue';
import type { RedisCluster } from '../helpers/redis-cluster';
import { runCli } from '../helpers/cli';
import { startReshard } from '../helpers/cluster-reshard';

/**
 * docs/topologies.md "Redis Cluster": what the hosts run beside the console (the background
 * indexer, the queue depth sampler), `indexStep`, and the command line's reads, on a real
 * 3-master cluster.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;

const WORKSPACES = ['acme', 'globex', 'initech'];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function fresh() {
  for (const node of await cluster.masters()) await node.client().flushall();
  await buildKeyspace(direct as unknown as KeyWriter, Date.now(), clusterFlagHistory(keys.flag));
}

/** Every job id of the keyspace, and the indexes emptied, so only the indexer can fill them. */
async function dropIndexes(): Promise<void> {
  for (const ws of WORKSPACES) await direct.del(keys.workspaceIndex(ws));
  await direct.del(keys.workspaces);
}

async function indexed(): Promise<number> {
  let n = 0;
  for (const ws of WORKSPACES) n += await direct.zcard(keys.workspaceIndex(ws));
  return n;
}

/** Jobs of the keyspace: every id with an old or a new copy (buildKeyspace). */
const JOBS = 180;

/** The command line against the cluster, as operator "ops". */
const cli = (...argv: string[]) =>
  runCli({ REDIS_URL: cluster.url, QUEUESCOPE_OPERATOR: 'ops' }, argv);

const fixture = useClusterEnqueueFixture();
beforeAll(() => {
  ({ cluster, core, direct } = fixture);
});

describe('Hosts and the command line on a cluster (docs/topologies.md "Redis Cluster")', () => {
  it('indexStep files the jobs of every master, a pass at a time, and refreshes the counts', async () => {
    await fresh();
    await dropIndexes();
    let pass = false;
    let filed = 0;
    for (let i = 0; i < 100 && !pass; i++) {
      const step = await core.invoke('indexStep', { steps: 2 });
      filed += step.indexed;
      pass = step.pass_complete;
    }
    expect(pass).toBe(true);
    expect(filed).toBe(JOBS);
    expect(await indexed()).toBe(JOBS);
    expect((await direct.smembers(keys.workspaces)).sort()).toEqual(WORKSPACES);
    const next = await core.invoke('indexStep', { steps: 100 });
    expect(next).toMatchObject({ indexed: 0, pass_complete: true });
  });

  it('the background indexer files the jobs of every master, and the intent sweep runs beside it', async () => {
    await fresh();
    await dropIndexes();
    const indexer = core.startBackgroundIndexer({ stepMs: 1, restMs: 10, retryMs: 20 })!;
    try {
      for (let i = 0; i < 500 && (await indexed()) < JOBS; i++) await sleep(20);
      expect(await indexed()).toBe(JOBS);
      expect(indexer.status()).toMatchObject({ running: true, indexed: JOBS, lastError: null });
    } finally {
      await indexer.stop();
    }
    const listed = await core.invoke('listWorkspaces', {});
    expect(listed.map((w) => w.workspace_id)).toEqual(WORKSPACES);
  });

  it('the queue depth sampler writes each minute into the bucket on whichever master holds it', async () => {
    await fresh();
    const depth = await direct.llen(keys.queue);
    // Minutes of the last hours whose buckets lie on at least two masters.
    const minutes: number[] = [];
    const masters = new Set<string>();
    for (let m = minuteOf(Date.now()) - 30 * 60_000; minutes.length < 4 || masters.size < 2;) {
      minutes.push(m);
      masters.add(direct.slots[slotOf(keys.metricsBucket(m))]![0]!);
      m -= 60_000;
    }
    expect(masters.size).toBeGreaterThan(1);
    const ctx = () => core.hostContext();
    for (const minute of minutes) {
      expect(await sampleDepthOnce(await ctx(), 'host-a', minute + 5)).toBe(depth);
      expect(await sampleDepthOnce(await ctx(), 'host-b', minute + 6)).toBeNull();
      expect(await direct.hget(keys.metricsBucket(minute), 'queue_depth')).toBe(String(depth));
    }
    // As the hosts start it: one sample now, written through the cluster.
    const now = minuteOf(Date.now()) + 60 * 60_000;
    const sampler = startDepthSampler(ctx, 'host-c', { now: () => now, intervalMs: 60_000 });
    for (let i = 0; i < 200 && !(await direct.exists(keys.depthSampleLock(now))); i++)
      await sleep(10);
    await sampler.stop();
    expect(await direct.hget(keys.metricsBucket(minuteOf(now)), 'queue_depth')).toBe(String(depth));
    // The 6-hour window reads rollups of buckets that lie on several masters.
    const report = await core.invoke('metrics', { window: '6h' });
    expect(report.points.some((p) => p.queue_depth === depth)).toBe(true);
  });

  it('the command line reads the cluster: workspaces, list, metrics, audit, overview, find, queue, index', async () => {
    await fresh();
    const commands: string[][] = [
      ['workspaces'],
      ['list', '--workspace', 'acme', '--limit', '5'],
      ['list', '--workspace', 'globex', '--status', 'failed', '--limit', '3'],
      ['list', '--workspace', 'initech', '--action', 'class'],
      ['metrics', '--since', '1h'],
      ['metrics', '--prom'],
      ['audit', '--limit', '3'],
      ['overview'],
      ['find', 'job-0043'],
      ['find', 'special'],
      ['queue', '--limit', '5', '--job', 'job-0100'],
      ['index', '--pass'],
    ];
    for (const argv of commands) {
      const human = await cli(...argv);
      expect(human.code, `${argv.join(' ')}: ${human.err}`).toBe(0);
      expect(human.err, argv.join(' ')).toBe('');
    }
    const workspaces = JSON.parse((await cli('--json', 'workspaces')).out) as Array<{
      workspace_id: string;
    }>;
    expect(workspaces.map((w) => w.workspace_id)).toEqual(WORKSPACES);
    const found = JSON.parse((await cli('--json', 'find', 'job-0043')).out) as {
      matches: Array<{ job_id: string }>;
    };
    expect(found.matches.map((m) => m.job_id)).toEqual(['job-0043']);
    const page = JSON.parse((await cli('--json', 'list', '--workspace', 'acme')).out) as {
      total: number;
    };
    expect(page.total).toBeGreaterThan(40);
  });

  // Last: it fails a master over and moves slots, which the tests above do not expect.
  it('indexStep stays exact through a failover and a resharding in the middle of a pass', async () => {
    await fresh();
    await dropIndexes();
    const step = async () => (await core.invoke('indexStep', { steps: 1 })).pass_complete;
    for (let i = 0; i < 4; i++) expect(await step()).toBe(false);
    await cluster.failover();
    for (let i = 0; i < 4; i++) expect(await step()).toBe(false);
    const [from, to] = await cluster.masters();
    const reshard = await startReshard(from!, to!, 2000, 1);
    let pass = false;
    for (let i = 0; i < 40 && !pass; i++) pass = await step();
    await reshard.done;
    for (let i = 0; i < 200 && !pass; i++) pass = await step();
    expect(pass).toBe(true);
    expect(await indexed()).toBe(JOBS);
  }, 120_000);
});
