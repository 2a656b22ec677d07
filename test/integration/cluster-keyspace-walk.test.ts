import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { KeyspaceWalker, type WalkOptions } from '../../electron/core/cluster/keyspace-walk';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';
import { failoverUnderWalk, reshardUnderWalk } from '../helpers/cluster-reshard';
import { tagOfSlot } from '../../electron/core/cluster/slot-tags';

/**
 * docs/topologies.md "Walking a cluster": a walk by hash slot yields every key of every master
 * exactly once, also while a failover or a resharding changes which master serves the slots.
 */
let cluster: RedisCluster;
let client: Cluster;
const HOT_SLOTS = 30;

beforeAll(async () => {
  cluster = await startRedisCluster();
  // No auto-pipelining: a pipeline that meets MOVED after a resharding fails as a whole.
  client = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
}, 60_000);
afterAll(async () => {
  client?.disconnect();
  await cluster?.stop();
});

/** 4,000 keys spread over the slots, 1,500 under one producer's hash tag, and a few foreign ones. */
const written = new Set<string>();
beforeEach(async () => {
  for (const node of await cluster.masters()) await node.client().flushall();
  written.clear();
  for (let i = 0; i < 4000; i++) written.add(`ai:walk:${i}`);
  for (let i = 0; i < 1500; i++) written.add(`ai:walk:{tagged}:${i}`);
  await Promise.all([...written].map((key) => client.set(key, '1')));
  await Promise.all(Array.from({ length: 50 }, (_, i) => client.set(`other:${i}`, '1')));
}, 30_000);

/** Walks to the end; every key yielded, with repeats kept so a duplicate shows. */
async function walkAll(options: Partial<WalkOptions>): Promise<string[]> {
  const walker = new KeyspaceWalker(client, { prefix: 'ai:', ...options });
  const seen: string[] = [];
  let position = 0;
  for await (const batch of walker.walk()) {
    expect(batch.from).toBe(position);
    position = batch.next;
    for (const { slot, keys } of batch.slots) {
      expect(slot).toBeGreaterThanOrEqual(batch.from);
      expect(slot).toBeLessThan(batch.next);
      seen.push(...keys);
    }
  }
  expect(position).toBe(16_384);
  return seen;
}

function expectExactly(seen: string[]): void {
  expect(seen.length).toBe(written.size);
  expect(new Set(seen)).toEqual(written);
}

describe('walking a cluster by hash slot (docs/topologies.md "Walking a cluster")', () => {
  it('yields every key of the three masters once, a big hash-tagged slot through SCAN steps', async () => {
    const seen = await walkAll({ slotsPerBatch: 256, bigSlot: 500 });
    expectExactly(seen);
  });

  it('resumes from a saved slot position without skipping or repeating a key', async () => {
    const walker = new KeyspaceWalker(client, { prefix: 'ai:', slotsPerBatch: 300 });
    const seen: string[] = [];
    let position = 0;
    for (let i = 0; i < 5; i++) {
      const batch = await walker.read(position);
      for (const { keys } of batch.slots) seen.push(...keys);
      position = batch.next;
    }
    // A new walker (another process) continues from the saved position alone.
    for await (const batch of new KeyspaceWalker(client, { prefix: 'ai:' }).walk(position))
      for (const { keys } of batch.slots) seen.push(...keys);
    expectExactly(seen);
  });

  it('yields every key exactly once while a resharding moves slots and their keys under the walk', async () => {
    // Slots 0-29 get 100 keys each and move first, one key per MIGRATE, so the walk reads them
    // while they migrate: each of those steps waits until its slots are being moved.
    for (let slot = 0; slot < HOT_SLOTS; slot++)
      for (let i = 0; i < 100; i++) written.add(`ai:walk:{${tagOfSlot(slot)}}:${i}`);
    await Promise.all([...written].map((key) => client.set(key, '1')));
    const { done, beforeBatch, readWhileMigrating } = await reshardUnderWalk(
      await cluster.masters(),
      client,
      HOT_SLOTS,
      4,
    );
    const seen = await walkAll({ slotsPerBatch: 4, beforeBatch });
    await done;
    expect(readWhileMigrating()).toBeGreaterThan(0);
    expectExactly(seen);
    await cluster.waitHealthy();
  }, 120_000);

  it('yields every key exactly once through a CLUSTER FAILOVER during the walk', async () => {
    const { beforeBatch, started } = failoverUnderWalk(cluster);
    const seen = await walkAll({ slotsPerBatch: 64, beforeBatch });
    expect(started()).not.toBeNull();
    await started();
    expectExactly(seen);
    // The walk read at least one slot from a node that is a replica now.
    const replicas = (await cluster.replicas()).map((n) => n.port);
    expect(replicas.length).toBe(3);
  }, 120_000);
});
