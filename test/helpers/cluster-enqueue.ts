import { afterAll, beforeAll } from 'vitest';
import { Cluster, type Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { registerScripts } from '../../electron/core/scripts';
import { prepareJob } from '../../electron/core/jobs/prepare-job';
import { enqueueInput } from '../../shared/contract';
import type { ClusterEnqueueEnv, EnqueueStep } from '../../electron/core/cluster/enqueue-protocol';
import { INTENT_PREFIX } from '../../electron/core/cluster/slot-tags';
import { sampleJob } from './core';
import { startRedisCluster, type ClusterNode, type RedisCluster } from './redis-cluster';

/** The cluster enqueue tests' setting (docs/topologies.md "Cluster enqueue"): a real cluster. */
export interface ClusterEnqueueFixture {
  cluster: RedisCluster;
  /** A core given one node's URL, as a user would. */
  core: QueueCore;
  /** A Cluster client of the test's own, with the scripts registered. */
  direct: Cluster;
}

/** A short lease, so recovery tests do not wait long. */
export const LEASE_MS = 150;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a 3-master, 3-replica cluster for the file's tests, stopped after them: the setting of
 * every cluster test that needs a core and a client of its own beside it, not only the enqueue's.
 */
export function useClusterEnqueueFixture(): ClusterEnqueueFixture {
  const f = {} as ClusterEnqueueFixture;
  beforeAll(async () => {
    f.cluster = await startRedisCluster();
    f.core = new QueueCore({ connection: { url: f.cluster.url } });
    f.direct = new Cluster([{ host: '127.0.0.1', port: f.cluster.nodes[0]!.port }]);
    registerScripts(f.direct as unknown as Redis);
  }, 60_000);
  afterAll(async () => {
    f.direct?.disconnect();
    await f.core?.close();
    await f.cluster?.stop();
  });
  return f;
}

/** The protocol's settings over the test's client, with the test hook that stops after a step. */
export function protocolEnv(direct: Cluster, crashAfter?: EnqueueStep): ClusterEnqueueEnv {
  return {
    cluster: direct,
    defaultFlag: 'off',
    idempotencyTtlSec: 3600,
    metricsRetentionSec: 3600,
    leaseMs: LEASE_MS,
    ...(crashAfter ? { crashAfter } : {}),
  };
}

export function preparedJob(overrides: Record<string, unknown>) {
  return prepareJob(enqueueInput.parse(sampleJob(overrides)), 1024 * 1024);
}

/** How many times the queue holds the id. */
export async function queuedTimes(direct: Cluster, jobId: string): Promise<number> {
  const at = (await direct.lpos(keys.queue, jobId, 'COUNT', 0)) as unknown as number[];
  return at.length;
}

/** Keys on every master: a refused call must leave this unchanged. */
export async function keysOnMasters(direct: Cluster): Promise<number> {
  let n = 0;
  for (const node of direct.nodes('master') as Redis[]) n += await node.dbsize();
  return n;
}

/** Intents on every master: none once every call is committed, rolled back or recovered. */
export async function intentsOnMasters(direct: Cluster): Promise<number> {
  let n = 0;
  for (const node of direct.nodes('master') as Redis[]) {
    n += (await node.keys(`${INTENT_PREFIX}*`)).length;
  }
  return n;
}

/** The master that owns the queue's slot now: the one that answers for the key without MOVED. */
export async function queueMaster(cluster: RedisCluster): Promise<ClusterNode> {
  for (const m of await cluster.masters()) {
    const owns = await m
      .client()
      .exists(keys.queue)
      .then(
        () => true,
        () => false,
      );
    if (owns) return m;
  }
  throw new Error('no master owns the queue');
}
