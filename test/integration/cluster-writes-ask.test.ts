import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { slotOf } from '../../electron/core/cluster/slot-tags';
import type { ClusterNode } from '../helpers/redis-cluster';
import { confirmedOnCluster } from '../../electron/core/cluster/confirmed';
import { updateStatusCluster } from '../../electron/core/cluster/writes/update-status';
import {
  copies,
  hookedContext,
  ownerOf,
  pause,
  plantJob,
  replicasOf,
  splitJobId,
  useClusterWritesFixture,
} from '../helpers/cluster-writes';

/**
 * docs/topologies.md "Acknowledged means durable", other writes: a write the slot's owner
 * redirected with ASK during a resharding landed on the importing master, so that master's
 * replicas must confirm it too, on a real 3-master, 3-replica cluster.
 */
let core: QueueCore;
let direct: Cluster;
const fixture = useClusterWritesFixture();
beforeAll(() => {
  ({ core, direct } = fixture);
});

const WS = 'ws-a';

interface Migration {
  /** The importing master, for reads of the slot's keys (with ASKING: not its own yet). */
  to: Redis;
  /** Ends the migration: every master gives the slot to the importing one. */
  finish(): Promise<void>;
}

function nodeOf(address: string): { node: ClusterNode; client: Redis } {
  const port = Number(address.split(':')[1]);
  const node = fixture.cluster.nodes.find((n) => n.port === port)!;
  return { node, client: node.client() };
}

/** Moves every key of a slot from one master to the other, the slot itself staying where it is. */
async function moveKeys(slot: number, from: Redis, to: ClusterNode) {
  for (;;) {
    const batch = (await from.cluster('GETKEYSINSLOT', slot, 100)) as string[];
    if (batch.length === 0) return;
    for (const key of batch) await from.call('MIGRATE', '127.0.0.1', to.port, key, 0, 5000);
  }
}

/** Gives the slot to the node `id` on every master, the new owner first. */
async function assign(slot: number, owner: Redis, id: string) {
  await owner.cluster('SETSLOT', slot, 'NODE', id);
  for (const master of await fixture.cluster.masters())
    await master.client().cluster('SETSLOT', slot, 'NODE', id);
}

/**
 * Puts `key`'s slot in migration from its owner to `toAddress`, as `redis-cli --cluster reshard`
 * does (IMPORTING on the target, MIGRATING on the owner, then MIGRATE of its keys), runs `during`,
 * then gives the keys and the slot back to the owner.
 */
async function withSlotMigrating<T>(
  key: string,
  toAddress: string,
  during: (migration: Migration) => Promise<T>,
): Promise<T> {
  const slot = slotOf(key);
  const from = nodeOf(ownerOf(direct, key));
  const to = nodeOf(toAddress);
  const fromId = String(await from.client.cluster('MYID'));
  const toId = String(await to.client.cluster('MYID'));
  await to.client.cluster('SETSLOT', slot, 'IMPORTING', fromId);
  await from.client.cluster('SETSLOT', slot, 'MIGRATING', toId);
  let finished = false;
  const finish = async () => {
    await assign(slot, to.client, toId);
    finished = true;
  };
  try {
    await moveKeys(slot, from.client, to.node);
    return await during({ to: to.client, finish });
  } finally {
    if (finished) {
      // Back the same way it went.
      await from.client.cluster('SETSLOT', slot, 'IMPORTING', toId);
      await to.client.cluster('SETSLOT', slot, 'MIGRATING', fromId);
      await moveKeys(slot, to.client, from.node);
      await assign(slot, from.client, fromId);
    } else {
      // The owner still serves the slot: unmarked, it takes the keys back (marked, it would
      // answer ASK for each), then the target stops importing.
      await from.client.cluster('SETSLOT', slot, 'STABLE');
      await moveKeys(slot, to.client, from.node);
      await to.client.cluster('SETSLOT', slot, 'STABLE');
    }
  }
}

/** Stops the replicas of the master at `address` while `during` runs. */
async function withReplicasPaused<T>(address: string, during: () => Promise<T>): Promise<T> {
  let beside = '';
  for (let n = 0; !beside; n++) if (ownerOf(direct, `k${n}`) === address) beside = `k${n}`;
  const replicas = await replicasOf(fixture.cluster, direct, beside);
  expect(replicas.length).toBeGreaterThan(0);
  const resumes = await Promise.all(replicas.map((node) => pause(node)));
  try {
    return await during();
  } finally {
    for (const resume of resumes) await resume();
    await fixture.cluster.waitHealthy(30_000);
  }
}

/** A job split over two masters, and the third master: the one its old copy is migrated to. */
async function plantSplitJob(base: string): Promise<{ id: string; third: string }> {
  const id = splitJobId(direct, WS, base);
  await plantJob(direct, WS, id);
  await direct.del(keys.queue);
  const used = new Set([ownerOf(direct, keys.oldJob(id)), ownerOf(direct, keys.newJob(WS, id))]);
  const third = direct
    .nodes('master')
    .map((n) => `${n.options.host}:${n.options.port}`)
    .find((address) => !used.has(address))!;
  return { id, third };
}

/** A reply of the importing master for a key of the slot it imports (ASKING: not its own yet). */
async function onImporter(node: Redis, ...command: string[]): Promise<unknown> {
  // In order on one connection, not in a transaction: a queued command is checked against the
  // slot before ASKING would have run.
  const replies = await node
    .pipeline()
    .asking()
    .call(command[0]!, ...command.slice(1))
    .exec();
  return replies![1]![1];
}

describe('a cluster write redirected with ASK (docs/topologies.md "Acknowledged means durable")', () => {
  it('is unconfirmed while the importing master has no replica confirming, though the old owner has', async () => {
    const { id, third } = await plantSplitJob('ask');
    const error = await withSlotMigrating(keys.oldJob(id), third, async ({ to }) => {
      const outcome = await withReplicasPaused(third, () =>
        core.invoke('updateStatus', { job_id: id, status: 'running', workspace_id: WS }).then(
          () => null,
          (e: unknown) => e,
        ),
      );
      // The write landed on the importing master, where the owner's ASK sent it.
      expect(await onImporter(to, 'HGET', keys.oldJob(id), 'status')).toBe('running');
      return outcome;
    });
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: {
        outcome: 'unconfirmed',
        operation: 'updateStatus',
        job_id: id,
        replicas_acknowledged: 0,
      },
    });
  });

  it('a flag change redirected the same way is unconfirmed too', async () => {
    // The flag and its history, both moved: the script writing them is refused (TRYAGAIN) while
    // a slot in migration holds only some of its keys.
    await core.invoke('setFlag', { value: 'off', actor_id: 'ops' });
    const third = direct
      .nodes('master')
      .map((n) => `${n.options.host}:${n.options.port}`)
      .find((address) => address !== ownerOf(direct, keys.flag))!;
    const error = await withSlotMigrating(keys.flag, third, async ({ to }) => {
      const outcome = await withReplicasPaused(third, () =>
        core.invoke('setFlag', { value: 'on', actor_id: 'ops' }).then(
          () => null,
          (e: unknown) => e,
        ),
      );
      expect(await onImporter(to, 'GET', keys.flag)).toBe('on');
      return outcome;
    });
    expect(error).toMatchObject({ details: { outcome: 'unconfirmed', operation: 'setFlag' } });
  });

  it('is confirmed while the slot migrates and the importing master has its replica: no false alarm', async () => {
    const { id, third } = await plantSplitJob('ask-ok');
    const job = await withSlotMigrating(keys.oldJob(id), third, async ({ to }) => {
      const done = await core.invoke('updateStatus', {
        job_id: id,
        status: 'running',
        workspace_id: WS,
      });
      expect(await onImporter(to, 'HGET', keys.oldJob(id), 'status')).toBe('running');
      return done;
    });
    expect(job).toMatchObject({ job_id: id, status: 'running' });
  });

  it('is unconfirmed when the migration ends during the call: which master took the write is not known', async () => {
    const { id, third } = await plantSplitJob('ask-end');
    const input = { job_id: id, status: 'running', workspace_id: WS } as const;
    // The test's client, as the core would use it; the migration ends between the write and the
    // confirmation, before the client has met a MOVED for the slot.
    const ctx = hookedContext(direct, async () => undefined);
    const error = await withSlotMigrating(keys.oldJob(id), third, ({ finish }) =>
      confirmedOnCluster(
        ctx,
        'updateStatus',
        input,
        () => [keys.oldJob(id), keys.newJob(WS, id)],
        async () => {
          const job = await updateStatusCluster(ctx, input);
          await finish();
          return job;
        },
      ).then(
        () => null,
        (e: unknown) => e,
      ),
    );
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { outcome: 'unconfirmed', operation: 'updateStatus', job_id: id },
    });
    expect((await copies(direct, WS, id)).old.status).toBe('running');
  });
});
