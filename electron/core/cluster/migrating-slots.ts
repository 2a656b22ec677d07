import type { Cluster, Redis } from 'ioredis';
import { nodeAt, serves, type NodeView } from './node-view';

/**
 * Where a write sent to a slot's owner may have landed instead (docs/topologies.md "Acknowledged
 * means durable"). While the owner migrates a slot out it answers `ASK` for a key it no longer
 * holds, and the Cluster client sends the write again, with `ASKING`, to the importing master on
 * its pooled connection. The client neither records the redirection nor moves the slot in its
 * map, so only the owner can say: its own `CLUSTER NODES` line marks the slots it is migrating.
 */

/** The slots a call wrote on one master, or 'all' when the call may have written anywhere. */
export type WrittenSlots = readonly number[] | 'all';

/**
 * The connections to the masters importing `slots` from the owner whose view this is: none when
 * it migrates none of them. Null when where a write went cannot be known: the owner did not
 * answer, no longer serves one of the slots (a migration ended during the call), or the importer
 * has no connection in the client's pool. A slot the owner gave up is only known for the slots
 * the call named; with 'all' every master is already waited on.
 */
export function importersOf(
  cluster: Cluster,
  view: NodeView | null,
  slots: WrittenSlots,
): Redis[] | null {
  if (!view) return null;
  const moving = slots === 'all' ? [...view.migrating.keys()] : slots;
  const importers = new Map<string, Redis>();
  for (const slot of moving) {
    const target = view.migrating.get(slot);
    if (target === undefined) {
      if (!serves(view, slot)) return null;
      continue;
    }
    const address = view.addresses.get(target);
    const node = address ? nodeAt(cluster, address) : null;
    if (!node) return null;
    importers.set(address!, node);
  }
  return [...importers.values()];
}
