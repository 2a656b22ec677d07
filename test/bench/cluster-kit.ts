/**
 * What `bench:cluster` runs the same work on: a target is one topology (the 3-master, 3-replica
 * cluster or one standalone server) with a core given its URL, a client for the bench's own data,
 * and a plain client on every redis-server behind it, so Redis CPU is summed over all of them.
 */
import { Cluster, type Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import type { RedisCluster } from '../helpers/redis-cluster';
import type { RedisServer } from '../helpers/redis-server';
import { redisCpuSeconds } from './migration-figures';

export interface Target {
  name: 'cluster' | 'standalone';
  core: QueueCore;
  /** The bench's own client for its data and checks: a Cluster client on the cluster. */
  data: Redis | Cluster;
  /** One plain client per redis-server (masters and replicas alike), for INFO cpu. */
  servers: Redis[];
  /** Empties every master (replicas follow) so each variant starts from the same state. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

export function standaloneTarget(server: RedisServer, core: QueueCore): Target {
  const admin = server.client();
  return {
    name: 'standalone',
    core,
    data: admin,
    servers: [admin],
    reset: async () => void (await admin.flushall()),
    close: () => core.close(),
  };
}

export function clusterTarget(cluster: RedisCluster, core: QueueCore): Target {
  const servers = cluster.nodes.map((node) => node.client());
  const byPort = new Map(cluster.nodes.map((node, i) => [node.port, servers[i]!]));
  const data = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }], {
    enableAutoPipelining: true,
  });
  return {
    name: 'cluster',
    core,
    data,
    servers,
    async reset() {
      for (const master of await cluster.masters()) await byPort.get(master.port)!.flushall();
      await cluster.waitHealthy();
    },
    async close() {
      data.disconnect();
      await core.close();
    },
  };
}

/** Redis CPU seconds (user + sys) of every server of the target, and of those that are replicas. */
export async function targetCpuSeconds(target: Target): Promise<{ all: number; replicas: number }> {
  let all = 0;
  let replicas = 0;
  for (const server of target.servers) {
    const seconds = await redisCpuSeconds(server);
    all += seconds;
    const [role] = (await server.call('ROLE')) as [string];
    if (role === 'slave') replicas += seconds;
  }
  return { all, replicas };
}

export interface Timed {
  /** Units of work (jobs, pairs) per second of wall time. */
  perSec: number;
  ms: number;
  /** µs of Redis CPU per unit, summed over every server (replication included). */
  redisUsPer: number;
  /** The part of redisUsPer spent by replicas applying the writes. */
  replicaUsPer: number;
}

/** Times `run` doing `units` of work on the target. */
export async function timed(target: Target, units: number, run: () => Promise<void>) {
  const cpu0 = await targetCpuSeconds(target);
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  const cpu1 = await targetCpuSeconds(target);
  const perUnit = (seconds: number) => Math.round(((seconds * 1e6) / units) * 10) / 10;
  return {
    perSec: Math.round((units / ms) * 1000),
    ms: Math.round(ms),
    redisUsPer: perUnit(cpu1.all - cpu0.all),
    replicaUsPer: perUnit(cpu1.replicas - cpu0.replicas),
  } satisfies Timed;
}

/** One job as a caller would build it, its request id also in params so duplicates can be told. */
export function jobInput(run: string, i: number, workspaces = 16) {
  const requestId = `${run}-${i}`;
  return {
    workspace_id: `ws-${i % workspaces}`,
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'user-1',
    params: { to: 'a@example.com', subject: 'Weekly report', rid: requestId },
    client_request_id: requestId,
  };
}

/** The flag on, set the way another producer's operator would (setFlag is not served everywhere). */
export async function flagOn(target: Target): Promise<void> {
  await target.data.set(keys.flag, 'on');
}

/** Every key matching `pattern` on every master of the target (SCAN, one cursor per node). */
export async function scanAll(target: Target, pattern: string): Promise<string[]> {
  const nodes = target.data instanceof Cluster ? target.data.nodes('master') : [target.data];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...batch);
    } while (cursor !== '0');
  }
  return found;
}
