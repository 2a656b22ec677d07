import type { Cluster, Redis } from 'ioredis';

/**
 * One node's own view of itself, from its `CLUSTER NODES` (the `myself` line): whether it is a
 * master, the slots it serves, and the slots it is migrating out (`[slot->-target]`), with the
 * address of every node it knows. Only the node itself knows its migrating marks
 * (docs/topologies.md "Walking a cluster").
 */
export interface NodeView {
  id: string;
  master: boolean;
  /** Its config epoch: a replica promoted in a failover takes a new one. */
  epoch: string;
  /** Slots this node serves, as inclusive ranges. */
  ranges: Array<[number, number]>;
  /** Slot -> id of the node it is migrating to. */
  migrating: Map<number, string>;
  /** Node id -> "host:port" of every node in the view. */
  addresses: Map<string, string>;
}

/** Parses a `CLUSTER NODES` reply into the view of the node that answered it. */
export function parseNodeView(text: string): NodeView | null {
  const addresses = new Map<string, string>();
  let mine: string[] | null = null;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    addresses.set(fields[0]!, fields[1]!.split('@')[0]!.split(',')[0]!);
    if (fields[2]!.split(',').includes('myself')) mine = fields;
  }
  if (!mine) return null;
  const view: NodeView = {
    id: mine[0]!,
    master: mine[2]!.split(',').includes('master'),
    epoch: mine[6]!,
    ranges: [],
    migrating: new Map(),
    addresses,
  };
  for (const part of mine.slice(8)) {
    const mark = /^\[(\d+)->-(\S+)\]$/.exec(part);
    if (mark) view.migrating.set(Number(mark[1]), mark[2]!);
    else if (part.startsWith('['))
      continue; // importing: the slot is not this node's yet
    else {
      const [start, end] = part.split('-').map(Number);
      view.ranges.push([start!, end ?? start!]);
    }
  }
  return view;
}

/** Whether the view's node serves `slot` as a master. */
export function serves(view: NodeView | null, slot: number): boolean {
  return !!view?.master && view.ranges.some(([start, end]) => slot >= start && slot <= end);
}

/** The last slot from `slot` on that the view's node serves without a gap (`slot` itself if none). */
export function servedUntil(view: NodeView, slot: number): number {
  const range = view.ranges.find(([start, end]) => slot >= start && slot <= end);
  return range ? range[1] : slot;
}

/** Asks a node for its own view; null when it does not answer or has no `myself` line. */
export async function nodeView(node: Redis): Promise<NodeView | null> {
  try {
    return parseNodeView(String(await node.call('CLUSTER', 'NODES')));
  } catch {
    return null;
  }
}

/** The Cluster client's connection to "host:port", if it has one. */
export function nodeAt(cluster: Cluster, address: string): Redis | null {
  return (
    cluster.nodes('all').find((node) => `${node.options.host}:${node.options.port}` === address) ??
    null
  );
}

/** Asks the Cluster client to read the slot map again, so it sees a failover or a resharding. */
export function refreshSlots(cluster: Cluster): Promise<void> {
  return new Promise((resolve) => cluster.refreshSlotsCache(() => resolve()));
}
