import type { Cluster, Redis } from 'ioredis';
import {
  confirmWrite,
  isConfirmed,
  replicasRequired,
  writeTicket,
  type Confirmation,
  type DurabilityPolicy,
} from '../redis/durability';
import { slotOf } from './slot-tags';

/**
 * Acknowledged means durable on a cluster (docs/topologies.md "Acknowledged means durable"): a
 * write call is confirmed by WAIT on every master it wrote to, each on the connection the Cluster
 * client used for that master, so each WAIT answers for this call's writes there.
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

/** The master connections holding the slots of `keys` now ('all': every master). */
export function mastersOf(cluster: Cluster, keyList: readonly string[] | 'all'): Redis[] {
  const masters = cluster.nodes('master');
  if (keyList === 'all') return masters;
  const names = new Set<string>();
  for (const key of keyList) {
    const owner = cluster.slots[slotOf(key)]?.[0];
    if (owner) names.add(owner);
  }
  // A slot the client does not know an owner of yet: every master, rather than none.
  if (names.size === 0 && keyList.length > 0) return masters;
  return masters.filter((node) => names.has(nodeName(node)));
}

/** Unconfirmed unless the master needs no replica: it took its slots over during the call. */
async function firstMet(node: Redis, policy: DurabilityPolicy): Promise<Confirmation | null> {
  const required = await replicasRequired(node, policy);
  return required === 0 ? null : unconfirmed(policy, required);
}

/**
 * WAIT on each master the call wrote to (in parallel); one confirmation for the call: the fewest
 * replicas any of them confirmed against the most any of them required. Null when none required one.
 */
export async function confirmOnMasters(
  cluster: Cluster,
  keyList: readonly string[] | 'all',
  policy: DurabilityPolicy,
  tickets: MasterTickets,
): Promise<Confirmation | null> {
  const masters = mastersOf(cluster, keyList);
  const each = await Promise.all(
    masters.map((node) => {
      const ticket = tickets.get(nodeName(node));
      // A master first met during the call: on the client's first call (no master known at its
      // start) its connection is counted from now; after a failover it is the promoted replica,
      // whose WAIT cannot vouch for a write that went out to the master it replaced.
      if (ticket === undefined && tickets.size > 0) return firstMet(node, policy);
      return confirmWrite(node, policy, ticket ?? writeTicket(node));
    }),
  );
  const needed = each.filter((c): c is Confirmation => c !== null);
  if (needed.length === 0) return null;
  const failed = needed.filter((c) => !isConfirmed(c));
  const worst = failed[0] ?? needed[0]!;
  return {
    required: Math.max(...needed.map((c) => c.required)),
    acknowledged: failed.length
      ? Math.min(...failed.map((c) => c.acknowledged))
      : worst.acknowledged,
    timeoutMs: policy.timeoutMs,
    connectionChanged: needed.some((c) => c.connectionChanged),
  };
}
