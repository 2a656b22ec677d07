import { spawn } from 'node:child_process';
import type { Cluster } from 'ioredis';
import { parseNodeView } from '../../electron/core/cluster/node-view';
import type { ClusterNode, RedisCluster } from './redis-cluster';

/** A node's cluster id (CLUSTER MYID). */
export async function nodeId(node: ClusterNode): Promise<string> {
  return String(await node.client().call('CLUSTER', 'MYID'));
}

/**
 * Starts `redis-cli --cluster reshard` moving `slots` slots (and their keys) from one master to
 * another, as an operator would; resolves once it has started, with its end as a promise.
 */
export async function startReshard(
  from: ClusterNode,
  to: ClusterNode,
  slots: number,
  /** Keys per MIGRATE (redis-cli's default is 10); 1 makes a slot's move slow enough to watch. */
  pipeline = 10,
): Promise<{ done: Promise<void> }> {
  const [fromId, toId] = await Promise.all([nodeId(from), nodeId(to)]);
  const child = spawn(
    'redis-cli',
    [
      '--cluster',
      'reshard',
      `127.0.0.1:${from.port}`,
      '--cluster-from',
      fromId,
      '--cluster-to',
      toId,
      '--cluster-slots',
      String(slots),
      '--cluster-pipeline',
      String(pipeline),
      '--cluster-yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const done = new Promise<void>((resolve, reject) =>
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`reshard exited ${code}: ${output.slice(-2000)}`)),
    ),
  );
  done.catch(() => undefined);
  return { done };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts a resharding of the lowest `hotSlots` slots from slot 0's master to another master, one
 * key per MIGRATE, with a `beforeBatch` hook for a walk stepping `stepSlots` slots at a time: a
 * step over those slots waits until its slots are being moved, so the walk reads them mid-move.
 * `readWhileMigrating()` counts the steps that did; `done` is the resharding's end.
 */
export async function reshardUnderWalk(
  masters: ClusterNode[],
  client: Cluster,
  hotSlots: number,
  stepSlots: number,
): Promise<{
  done: Promise<void>;
  beforeBatch: (from: number) => Promise<void>;
  readWhileMigrating: () => number;
}> {
  const ownerPort = Number(client.slots[0]![0]!.split(':')[1]);
  const source = masters.find((n) => n.port === ownerPort)!;
  const target = masters.find((n) => n !== source)!;
  const { done } = await startReshard(source, target, hotSlots, 1);
  let finished = false;
  void done.then(
    () => (finished = true),
    () => (finished = true),
  );
  let readWhileMigrating = 0;
  const beforeBatch = async (from: number): Promise<void> => {
    if (from >= hotSlots) return;
    while (!finished) {
      const view = parseNodeView(String(await source.client().call('CLUSTER', 'NODES')));
      const moving = [...(view?.migrating.keys() ?? [])];
      if (moving.some((slot) => slot >= from && slot < from + stepSlots)) {
        readWhileMigrating++;
        return;
      }
      if (moving.some((slot) => slot >= from + stepSlots)) return;
      await sleep(2);
    }
  };
  return { done, beforeBatch, readWhileMigrating: () => readWhileMigrating };
}

/**
 * A `beforeBatch` hook that starts a failover once the walk has read its first step, and holds
 * the steps from slot 12,000 on until the failover is over, so the walk spans it.
 * `started()` is the failover, or null while it has not started.
 */
export function failoverUnderWalk(cluster: RedisCluster): {
  beforeBatch: (from: number) => Promise<void>;
  started: () => Promise<unknown> | null;
} {
  let failover: Promise<unknown> | null = null;
  const beforeBatch = async (from: number): Promise<void> => {
    if (from > 0 && !failover) {
      failover = cluster.failover();
      failover.catch(() => undefined);
    } else if (failover && from >= 12_000) await failover;
  };
  return { beforeBatch, started: () => failover };
}
