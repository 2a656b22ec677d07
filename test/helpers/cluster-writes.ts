import { afterAll, beforeAll, beforeEach } from 'vitest';
import { Cluster, type Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { DEFAULT_CONFIG, type CoreContext } from '../../electron/core/context';
import { keys } from '../../electron/core/keys';
import { registerScripts } from '../../electron/core/scripts';
import { slotOf } from '../../electron/core/cluster/slot-tags';
import { DualWriteFailures } from '../../electron/core/telemetry/dual-write-failures';
import { hookedClient, type AfterCommand } from './hooked-client';
import { startRedisCluster, type ClusterNode, type RedisCluster } from './redis-cluster';

/** The cluster writes tests' setting (docs/topologies.md "Cluster writes"): one real cluster a file. */
export interface ClusterWritesFixture {
  cluster: RedisCluster;
  /** A core given one node's URL, as a user would; writes wait at most 400 ms for a replica. */
  core: QueueCore;
  /** A Cluster client of the test's own, with the scripts registered. */
  direct: Cluster;
}

export function useClusterWritesFixture(): ClusterWritesFixture {
  const f = {} as ClusterWritesFixture;
  beforeAll(async () => {
    f.cluster = await startRedisCluster();
    f.core = new QueueCore({
      connection: { url: f.cluster.url },
      defaultFlag: 'off',
      waitTimeoutMs: 400,
    });
    f.direct = new Cluster([{ host: '127.0.0.1', port: f.cluster.nodes[0]!.port }]);
    registerScripts(f.direct as unknown as Redis);
    await f.direct.ping();
  }, 40_000);
  beforeEach(async () => {
    for (const node of f.direct.nodes('master') as Redis[]) await node.flushall();
  });
  afterAll(async () => {
    f.direct?.disconnect();
    await f.core?.close();
    await f.cluster?.stop();
  });
  return f;
}

/** The address of the master that holds `key`'s slot now. */
export function ownerOf(direct: Cluster, key: string): string {
  return direct.slots[slotOf(key)]![0]!;
}

/** A job id whose old copy and new copy (in `ws`) are on two different masters. */
export function splitJobId(direct: Cluster, ws: string, base: string): string {
  for (let n = 0; ; n++) {
    const id = `${base}-${n}`;
    if (ownerOf(direct, keys.oldJob(id)) !== ownerOf(direct, keys.newJob(ws, id))) return id;
  }
}

/** Plants both copies of a job (equal, as a dual-write producer leaves them), queued iff pending. */
export async function plantJob(
  direct: Cluster,
  ws: string,
  jobId: string,
  fields: Record<string, string> = {},
): Promise<void> {
  const hash = {
    job_id: jobId,
    workspace_id: ws,
    status: 'pending',
    action_provider: 'mail',
    action_name: 'send',
    params: '{}',
    actor_id: 'u1',
    result: '',
    enqueued_at: '2026-01-01T00:00:00.000Z',
    ...fields,
  };
  await direct.hset(keys.oldJob(jobId), hash);
  await direct.hset(keys.newJob(ws, jobId), hash);
  if (hash.status === 'pending') await direct.rpush(keys.queue, jobId);
}

export async function copies(direct: Cluster, ws: string, jobId: string) {
  const [old, copy] = await Promise.all([
    direct.hgetall(keys.oldJob(jobId)),
    direct.hgetall(keys.newJob(ws, jobId)),
  ]);
  return { old, new: copy };
}

export async function queuedTimes(direct: Cluster, jobId: string): Promise<number> {
  return ((await direct.lpos(keys.queue, jobId, 'COUNT', 0)) as unknown as number[]).length;
}

/** Called after each script call (by its command name) and transaction ('multi') of the client. */
export type AfterScript = AfterCommand;

/**
 * A core context over the test's Cluster client whose script calls and transactions run `after`
 * once answered (hooked-client.ts).
 */
export function hookedContext(direct: Cluster, after: AfterScript): CoreContext {
  const redis = hookedClient(direct, 'qs_cluster_', after);
  return {
    redis: redis as unknown as Redis,
    config: { ...DEFAULT_CONFIG, defaultFlag: 'off' },
    failures: new DualWriteFailures(3600),
    lastFlag: null,
  };
}

/** The cluster nodes that replicate the master holding `key`. */
export async function replicasOf(
  cluster: RedisCluster,
  direct: Cluster,
  key: string,
): Promise<ClusterNode[]> {
  const [host, port] = ownerOf(direct, key).split(':');
  const found: ClusterNode[] = [];
  for (const node of await cluster.replicas()) {
    const info = await node.client().info('replication');
    if (info.includes(`master_host:${host}`) && info.includes(`master_port:${port}\r`))
      found.push(node);
  }
  return found;
}

/** Stops a node's process (SIGSTOP) until the returned resume is called: a replica away, not gone. */
export async function pause(node: ClusterNode): Promise<() => Promise<void>> {
  const info = await node.client().info('server');
  const pid = Number(/^process_id:(\d+)/m.exec(info)![1]);
  process.kill(pid, 'SIGSTOP');
  return async () => {
    process.kill(pid, 'SIGCONT');
  };
}
