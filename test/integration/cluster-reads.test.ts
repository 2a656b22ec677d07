import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster, type Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { enqueueOnCluster } from '../../electron/core/cluster/enqueue-protocol';
import { SimulatedCrash } from '../../electron/core/cluster/enqueue-protocol';
import { clusterFlagHistory } from '../../electron/core/cluster/slot-tags';
import { keys } from '../../electron/core/keys';
import { registerScripts } from '../../electron/core/scripts';
import { sweepIntents } from '../../electron/core/cluster/enqueue-cluster';
import { markInFlight } from '../../electron/core/cluster/in-flight';
import { readerContext } from '../../electron/core/cluster/reader';
import { DEFAULT_CONFIG } from '../../electron/core/context';
import { listJobs, readRows } from '../../electron/core/jobs/list';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { LEASE_MS, protocolEnv, preparedJob, sleep } from '../helpers/cluster-enqueue';
import { buildKeyspace, READ_INPUTS, type KeyWriter } from '../helpers/cluster-keyspace';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

/**
 * docs/topologies.md "Redis Cluster": the reads and listings a cluster serves answer as one server
 * does. The same keyspace is built key by key on a standalone server and on a 3-master cluster,
 * and every read is asked of both.
 */
let cluster: RedisCluster;
let server: RedisServer;
let onCluster: QueueCore;
let onServer: QueueCore;
let direct: Cluster;

async function flushCluster() {
  for (const node of await cluster.masters()) await node.client().flushall();
}

/** MOVED, ASK and CROSSSLOT errors any node has answered. */
async function redirectErrors(): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes) {
    const stats = await node.client().info('errorstats');
    for (const m of stats.matchAll(/errorstat_(?:MOVED|ASK|CROSSSLOT):count=(\d+)/g)) {
      total += Number(m[1]);
    }
  }
  return total;
}

async function both<T>(ask: (core: QueueCore) => Promise<T>): Promise<[T, T]> {
  return [await ask(onServer), await ask(onCluster)];
}

/** A findJob answer without how far its walk got, which depends on how many nodes it walked. */
function found(answer: Record<string, unknown>) {
  const { scanned: _s, keyspace: _k, cursor: _c, ...rest } = answer;
  return rest;
}

beforeAll(async () => {
  [cluster, server] = await Promise.all([startRedisCluster(), startRedisServer()]);
  onCluster = new QueueCore({ connection: { url: cluster.url } });
  onServer = new QueueCore({ connection: { url: server.url } });
  direct = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
  registerScripts(direct as unknown as Redis);
  const now = Date.now();
  await buildKeyspace(server.client() as unknown as KeyWriter, now);
  await buildKeyspace(direct as unknown as KeyWriter, now, clusterFlagHistory(keys.flag));
}, 60_000);

afterAll(async () => {
  direct?.disconnect();
  await Promise.all([onCluster?.close(), onServer?.close()]);
  await Promise.all([cluster?.stop(), server?.stop()]);
});

describe('Reads on a cluster answer as on one server (docs/topologies.md "Redis Cluster")', () => {
  it('the keyspace spans all three masters', async () => {
    for (const node of await cluster.masters())
      expect(await node.client().dbsize()).toBeGreaterThan(50);
  });

  it.each(READ_INPUTS)('%s %j', async (op, input) => {
    const before = await redirectErrors();
    const [one, many] = await both((core) => core.invoke(op as 'listJobs', input));
    if (op === 'findJob') {
      expect(found(many as never)).toEqual(found(one as never));
      expect((many as unknown as { complete: boolean }).complete).toBe(true);
    } else expect(many).toEqual(one);
    expect(await redirectErrors()).toBe(before);
  });

  it('listWorkspaces and overview: the same counts, flag and coverage', async () => {
    const [one, many] = await both((core) => core.invoke('listWorkspaces', {}));
    expect(many).toEqual(one);
    expect(many.map((w) => w.workspace_id)).toEqual(['acme', 'globex', 'initech']);
    const [o1, o2] = await both((core) => core.invoke('overview', {}));
    expect({ ...o2, read_at: 0 }).toEqual({ ...o1, read_at: 0 });
    expect(o2.dual_write.succeeded).toBeGreaterThan(0);
  });

  it('metrics over minute buckets and over rollups of several slots', async () => {
    for (const window of ['15m', '1h', '6h', '24h'] as const) {
      for (;;) {
        const [one, many] = await both((core) => core.invoke('metrics', { window }));
        // The two calls may fall either side of a step's end: ask again.
        if (one.points.at(-1)!.minute !== many.points.at(-1)!.minute) continue;
        expect(many, window).toEqual(one);
        expect(many.succeeded, window).toBeGreaterThan(0);
        break;
      }
    }
    const [one, many] = await both((core) =>
      core.invoke('metrics', { window: '1h', workspace_id: 'globex' }),
    );
    expect(many.by_workspace).toEqual(one.by_workspace);
  });
});

/** SCAN calls every master has answered. */
async function scans(): Promise<number> {
  let total = 0;
  for (const node of await cluster.masters()) {
    const stats = await node.client().info('commandstats');
    total += Number(/cmdstat_scan:calls=(\d+)/.exec(stats)?.[1] ?? 0);
  }
  return total;
}

describe('Jobs in flight on a cluster (docs/topologies.md "Cluster reads")', () => {
  it('rows missing a copy that were enqueued long before any live intent cost no intent walk', async () => {
    const before = await scans();
    const page = await onCluster.invoke('listJobs', { workspace_id: 'acme', limit: 100 });
    expect(page.rows.some((row) => row.sync.state === 'missing_in_new')).toBe(true);
    expect(await scans()).toBe(before);
  });

  it('a job whose enqueue is in flight is listed as in flight, not as missing its new copy', async () => {
    await direct.set(keys.flag, 'on');
    const job = preparedJob({ workspace_id: 'acme', job_id: 'zz-in-flight' });
    await expect(enqueueOnCluster(protocolEnv(direct, 'old'), job)).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    // Filed by the indexer while the call is between its steps.
    await direct.zadd(keys.workspaceIndex('acme'), Date.now() + 60_000, 'zz-in-flight');
    const page = await onCluster.invoke('listJobs', { workspace_id: 'acme', limit: 3 });
    expect(page.rows[0]).toMatchObject({ job_id: 'zz-in-flight', sync: { state: 'in_flight' } });
    // Without its intent the same job is missing its new copy.
    for (const node of await cluster.masters()) {
      for (const key of await node.client().keys('ai:qs:enq:intent:*'))
        await node.client().del(key);
    }
    const after = await onCluster.invoke('listJobs', { workspace_id: 'acme', limit: 3 });
    expect(after.rows[0]).toMatchObject({
      job_id: 'zz-in-flight',
      sync: { state: 'missing_in_new' },
    });
    await flushCluster();
  });

  it("a job whose enqueue commits between the rows' read and the intents' is listed as its copies are then", async () => {
    await direct.set(keys.flag, 'on');
    const job = preparedJob({ workspace_id: 'acme', job_id: 'zz-committing' });
    await expect(enqueueOnCluster(protocolEnv(direct, 'old'), job)).rejects.toBeInstanceOf(
      SimulatedCrash,
    );
    await direct.zadd(keys.workspaceIndex('acme'), Date.now() + 60_000, 'zz-committing');
    // The listing's own steps (served/reads.ts), with the call committing between them.
    const reader = readerContext({
      redis: direct as unknown as Redis,
      config: { ...DEFAULT_CONFIG, defaultFlag: 'off' },
      failures: new DualWriteFailures(3600),
      lastFlag: null,
    });
    const { rows } = await listJobs(reader, { workspace_id: 'acme', limit: 3 });
    expect(rows[0]).toMatchObject({ job_id: 'zz-committing', sync: { state: 'missing_in_new' } });
    await sleep(LEASE_MS + 50);
    expect(await sweepIntents(protocolEnv(direct))).toMatchObject({ completed: 1, live: 0 });
    await markInFlight(direct, rows, (ids) => readRows(reader, 'acme', ids));
    expect(rows[0]).toMatchObject({
      job_id: 'zz-committing',
      old_status: 'pending',
      new_status: 'pending',
      sync: { state: 'in_sync' },
    });
    await flushCluster();
  });
});
