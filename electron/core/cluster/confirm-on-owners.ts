import type { Cluster, Redis } from 'ioredis';
import {
  confirmWrite,
  isConfirmed,
  replicasRequired,
  writeTicket,
  type Confirmation,
  type DurabilityPolicy,
} from '../redis/durability';
import { nodeName, unconfirmed } from './confirm-masters';
import { slotOf, tagOfSlot } from './slot-tags';

/**
 * Confirmation by read-back (docs/topologies.md "Acknowledged means durable", on a cluster): each
 * written key is read on the connection to the master that owns its slot now, then a marker is
 * written and `WAIT` sent on that same connection. A node that is not the slot's master answers
 * the read with `MOVED` (and `WAIT` with an error), so the write is vouched for only by the master
 * that holds it, whichever node the write went out to. The marker makes the connection's `WAIT`
 * cover every write the master applied before the read, not only those this connection sent:
 * a key the master got by replication before its promotion, or from an earlier call.
 */

/** One key to read back: the command (first argument the key), and whether the reply shows it. */
export interface ReadBack {
  key: string;
  command: string;
  args: Array<string | number>;
  holds: (reply: unknown) => boolean;
}

export const exists = (key: string): ReadBack => ({
  key,
  command: 'EXISTS',
  args: [],
  holds: (reply) => Number(reply) === 1,
});

export const scoreOf = (key: string, member: string): ReadBack => ({
  key,
  command: 'ZSCORE',
  args: [member],
  holds: (reply) => reply !== null && reply !== undefined,
});

/** How long a master's marker lives: it only has to be written, never read. */
const MARKER_TTL_MS = 10_000;

/** One marker key per master, in the first slot it was seen owning (remembered, checked per use). */
const markerSlots = new WeakMap<Cluster, Map<string, number>>();

function markerKey(cluster: Cluster, name: string, fallbackSlot: number): string {
  let known = markerSlots.get(cluster);
  if (!known) markerSlots.set(cluster, (known = new Map()));
  let slot = known.get(name);
  if (slot === undefined || cluster.slots[slot]?.[0] !== name) {
    slot = cluster.slots.findIndex((owners) => owners?.[0] === name);
    if (slot < 0) slot = fallbackSlot;
    known.set(name, slot);
  }
  return `ai:qs:ack:{${tagOfSlot(slot)}}`;
}

async function confirmOnOwner(
  cluster: Cluster,
  name: string | undefined,
  reads: ReadBack[],
  policy: DurabilityPolicy,
): Promise<Confirmation | null> {
  const node = name ? (cluster.nodes('master') as Redis[]).find((n) => nodeName(n) === name) : null;
  if (!node) return unconfirmed(policy, policy.replicas === 'auto' ? 1 : policy.replicas);
  const required = await replicasRequired(node, policy);
  if (required === 0) return null;
  const ticket = writeTicket(node);
  // One connection, in order: the reads, then the marker, then (below) WAIT.
  const answers = reads.map((r) => node.call(r.command, r.key, ...r.args).then(r.holds));
  const marker = node.set(
    markerKey(cluster, name!, slotOf(reads[0]!.key)),
    '1',
    'PX',
    MARKER_TTL_MS,
  );
  const [held] = await Promise.all([
    Promise.all(answers).then((all) => all.every(Boolean)),
    marker,
  ]).catch(() => [false]);
  // Not read back where its slot's master is now (lost, moved, unknown): nothing to vouch for.
  if (!held) return unconfirmed(policy, required);
  return confirmWrite(node, policy, ticket);
}

/**
 * Reads every key back on its slot's master and waits for that master's replicas, the masters in
 * parallel. One confirmation for all: the first that failed, else the last; null when no master
 * required a replica.
 */
export async function confirmOnOwners(
  cluster: Cluster,
  reads: ReadBack[],
  policy: DurabilityPolicy,
): Promise<Confirmation | null> {
  if (policy.replicas === 0) return null;
  const byOwner = new Map<string | undefined, ReadBack[]>();
  for (const r of reads) {
    const owner = cluster.slots[slotOf(r.key)]?.[0];
    const list = byOwner.get(owner);
    if (list) list.push(r);
    else byOwner.set(owner, [r]);
  }
  const each = await Promise.all(
    [...byOwner].map(([owner, list]) => confirmOnOwner(cluster, owner, list, policy)),
  );
  const needed = each.filter((c): c is Confirmation => c !== null);
  if (needed.length === 0) return null;
  return needed.find((c) => !isConfirmed(c)) ?? needed[needed.length - 1]!;
}

/** A cluster enqueue whose writes are not confirmed: its intent is kept for a retry to finish. */
export class EnqueueUnconfirmed extends Error {
  constructor(
    readonly jobId: string,
    readonly confirmation: Confirmation,
  ) {
    super(`job ${jobId}: writes not confirmed by the replicas`);
  }
}
