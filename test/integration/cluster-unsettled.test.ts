import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { slotOf } from '../../electron/core/cluster/slot-tags';
import { startRedisCluster, type ClusterNode, type RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Redis Cluster": a cluster that cannot serve a call's keys for a while (a
 * master down and no replica to take over, so every node answers CLUSTERDOWN) is reported as Redis
 * unavailable for now, with what is going on, never as an operation a cluster does not support.
 * A real 3-master cluster without replicas; one master is killed.
 */
let cluster: RedisCluster;
let core: QueueCore;

/** The master that holds `slot` (from the node's own CLUSTER SLOTS). */
async function ownerOfSlot(slot: number): Promise<ClusterNode> {
  const ranges = (await cluster.nodes[0]!.client().call('CLUSTER', 'SLOTS')) as Array<
    [number, number, [string, number]]
  >;
  const [, , [, port]] = ranges.find(([from, to]) => slot >= from && slot <= to)!;
  return cluster.nodes.find((node) => node.port === Number(port))!;
}

beforeAll(async () => {
  cluster = await startRedisCluster({ replicasPerMaster: 0, nodeTimeoutMs: 1000 });
  const flagOwner = await ownerOfSlot(slotOf(keys.flag));
  // The core is given a node that stays up; the one killed holds neither the flag nor that node.
  const entry = cluster.nodes.find((node) => node !== flagOwner)!;
  const doomed = cluster.nodes.find((node) => node !== flagOwner && node !== entry)!;
  core = new QueueCore({ connection: { url: entry.url } });
  await core.invoke('setFlag', { value: 'on', actor_id: 'ops' }, { actor: 'ops' });
  await doomed.kill();
  const deadline = Date.now() + 20_000;
  while (!/cluster_state:fail/.test(await entry.client().call('CLUSTER', 'INFO').then(String))) {
    if (Date.now() > deadline) throw new Error('the cluster never noticed the killed master');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}, 60_000);

afterAll(async () => {
  await core?.close();
  await cluster?.stop();
});

describe('a cluster that is down for now', () => {
  it('a read is "Redis unavailable, retry in a moment", naming CLUSTERDOWN', async () => {
    const error = await core.invoke('getFlag', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'cluster_unsettled', redis_error: 'CLUSTERDOWN' },
    });
    expect((error as Error).message).toMatch(/no replica has taken over yet.*Retry in a moment/s);
    expect((error as Error).message).not.toMatch(/not supported/);
  });

  it('a write is outcome unknown, saying how to find out', async () => {
    const error = await core
      .invoke('setFlag', { value: 'off', actor_id: 'ops' }, { actor: 'ops' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'cluster_unsettled', outcome: 'unknown' },
    });
    expect((error as Error).message).toMatch(/look the job up/);
  });
});
