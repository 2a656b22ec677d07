import type { Cluster, Redis } from 'ioredis';
import {
  combineConfirmations,
  confirmWrite,
  replicasRequired,
  writeTicket,
  type Confirmation,
  type DurabilityPolicy,
} from '../redis/durability';
import { importersOf, type WrittenSlots } from './migrating-slots';
import { nodeView } from './node-view';
import { slotOf } from './slot-tags';

/**
 * Acknowledged means durable on a cluster (docs/topologies.md "Acknowledged means durable"): a
 * write call is confirmed by WAIT on every master it wrote to, each on the connection the Cluster
 * client used for that master, so each WAIT answers for this call's writes there. A master it
 * wrote to is the slot map's owner of a key it wrote, or the master importing that key's slot
 * while the owner migrates it: the owner answered ASK and the client wrote there (migrating-slots.ts).
 */

/** A node as the cluster's slot map names it: host:port. */
export const nodeName = (node: Redis) => `${node.options.host}:${node.options.port}`;

/** Not vouched for by any replica: the connection cannot answer for the call's writes. */
export function unconfirmed(policy: DurabilityPolicy, required: number): Confirmation {
  return { required, acknowledged: 0, timeoutMs: policy.timeoutMs, connectionChanged: true };
}

/** The connection epochs of every master before a call writes: passed to confirmOnMasters. */
export type MasterTickets = Map<string, number>;

export function masterTickets(cluster: Cluster): MasterTickets {
  const tickets: MasterTickets = new Map();
  // Before the client has the slot map its only node is the one it was given, master or not: no
  // master is known yet, and each is counted from when the call meets it.
  if (cluster.status !== 'ready') return tickets;
  for (const node of cluster.nodes('master')) tickets.set(nodeName(node), writeTicket(node));
  return tickets;
}

/** A master the call wrote to, with the slots it wrote there. */
interface Written {
  node: Redis;
  slots: WrittenSlots;
}

/** The masters holding the slots of `keys` now, each with those slots ('all': every master). */
function writtenOn(cluster: Cluster, keyList: readonly string[] | 'all'): Written[] {
  const masters = cluster.nodes('master');
  const everywhere = () => masters.map((node): Written => ({ node, slots: 'all' }));
  if (keyList === 'all') return everywhere();
  const slotsOf = new Map<string, number[]>();
  for (const key of keyList) {
    const slot = slotOf(key);
    const owner = cluster.slots[slot]?.[0];
    if (!owner) continue;
    const slots = slotsOf.get(owner);
    if (slots) slots.push(slot);
    else slotsOf.set(owner, [slot]);
  }
  // A slot the client does not know an owner of yet: every master, rather than none.
  if (slotsOf.size === 0 && keyList.length > 0) return everywhere();
  return masters
    .filter((node) => slotsOf.has(nodeName(node)))
    .map((node) => ({ node, slots: slotsOf.get(nodeName(node))! }));
}

/** The master connections holding the slots of `keys` now ('all': every master). */
export function mastersOf(cluster: Cluster, keyList: readonly string[] | 'all'): Redis[] {
  return writtenOn(cluster, keyList).map((written) => written.node);
}

/** Unconfirmed unless the master needs no replica: nothing on it can vouch for the call's writes. */
async function unvouched(node: Redis, policy: DurabilityPolicy): Promise<Confirmation | null> {
  const required = await replicasRequired(node, policy);
  return required === 0 ? null : unconfirmed(policy, required);
}

/** The WAIT on a master the slot map named for the call's writes. */
function confirmOwner(
  node: Redis,
  policy: DurabilityPolicy,
  tickets: MasterTickets,
): Promise<Confirmation | null> {
  const ticket = tickets.get(nodeName(node));
  // A master first met during the call: on the client's first call (no master known at its
  // start) its connection is counted from now; after a failover it is the promoted replica,
  // whose WAIT cannot vouch for a write that went out to the master it replaced.
  if (ticket === undefined && tickets.size > 0) return unvouched(node, policy);
  return confirmWrite(node, policy, ticket ?? writeTicket(node));
}

/**
 * The WAIT on each owner, and where its writes may have gone instead: its own view, asked on the
 * same connection just before the WAIT, so the two share a round trip.
 */
async function confirmWritten(
  cluster: Cluster,
  { node, slots }: Written,
  policy: DurabilityPolicy,
  tickets: MasterTickets,
) {
  const view = nodeView(node);
  const confirmation = confirmOwner(node, policy, tickets);
  return {
    node,
    confirmation: await confirmation,
    importers: importersOf(cluster, await view, slots),
  };
}

/**
 * WAIT on each master the call wrote to (in parallel), and on each master importing a slot the
 * call wrote (docs/topologies.md "Acknowledged means durable": a write redirected with ASK landed
 * there); one confirmation for the call: the fewest replicas any of them confirmed against the
 * most any of them required. Null when none required one.
 */
export async function confirmOnMasters(
  cluster: Cluster,
  keyList: readonly string[] | 'all',
  policy: DurabilityPolicy,
  tickets: MasterTickets,
): Promise<Confirmation | null> {
  // Nothing to wait for anywhere: no WAIT, and no view of where the writes went.
  if (policy.replicas === 0) return null;
  const owners = await Promise.all(
    writtenOn(cluster, keyList).map((written) => confirmWritten(cluster, written, policy, tickets)),
  );
  const waited = new Set(owners.map((owner) => nodeName(owner.node)));
  const importers = new Map<string, Redis>();
  for (const { importers: found } of owners)
    for (const node of found ?? [])
      if (!waited.has(nodeName(node))) importers.set(nodeName(node), node);
  const each = [
    ...owners.map((owner) => owner.confirmation),
    ...(await Promise.all([
      // The node that took a write is not known: nothing vouches for it.
      ...owners.filter((owner) => !owner.importers).map((owner) => unvouched(owner.node, policy)),
      // Found by the owner's own mark, not in the slot map, so not a replica promoted during the
      // call: one the client first met then was connected to for the redirected write itself.
      ...[...importers.values()].map((node) =>
        confirmWrite(node, policy, tickets.get(nodeName(node)) ?? writeTicket(node)),
      ),
    ])),
  ];
  return combineConfirmations(each);
}
