import type { Cluster, Redis } from 'ioredis';
import { nodeAt, nodeView, refreshSlots, servedUntil, serves, type NodeView } from './node-view';
import { slotOf } from './slot-tags';

/**
 * A walk of every key of a Redis Cluster by hash slot, 0 to 16383 (docs/topologies.md "Walking a
 * cluster"). The position is the next slot: it means the same on every node, so a walk resumes
 * anywhere, and survives a failover and a resharding, which a SCAN cursor per node does not.
 */

export const SLOT_COUNT = 16_384;

/** The keys one slot holds (only slots that hold any are listed). */
export interface SlotKeys {
  slot: number;
  keys: string[];
}

/** One step of the walk: the slots [from, next), read from the master that served them. */
export interface SlotBatch {
  from: number;
  /** The position after this step: the next slot to walk (SLOT_COUNT at the end). */
  next: number;
  slots: SlotKeys[];
  last: boolean;
}

export interface WalkOptions {
  /** Only keys that start with this are kept ('' = every key). */
  prefix: string;
  /** Most slots read in one step. */
  slotsPerBatch: number;
  /** Keys a step stops before (it always takes its first slot whole). */
  keysPerBatch: number;
  /**
   * Largest slot read in one GETKEYSINSLOT; a bigger one (a producer's hash tag gathering many
   * keys) is read by SCAN steps of its node, kept to that slot.
   */
  bigSlot: number;
  /** How long a slot whose master cannot be settled (a failover under way) is tried again. */
  settleTimeoutMs: number;
  /** Called before each step is read: where tests pause the walk or fault the cluster. */
  beforeBatch?: (from: number) => Promise<void>;
}

export const DEFAULT_WALK_OPTIONS: WalkOptions = {
  prefix: '',
  slotsPerBatch: 512,
  keysPerBatch: 2000,
  bigSlot: 10_000,
  settleTimeoutMs: 60_000,
};

/** Keys asked beyond a slot's count, so a key written between the count and the read is not cut. */
const COUNT_MARGIN = 64;
/** SCAN COUNT hint when a big slot is read through its node's SCAN. */
const SCAN_COUNT = 1000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface SlotRead {
  keys: string[];
  /** Ids of the nodes the slot was migrating to that were read too. */
  targets: Set<string>;
}

/**
 * Walks a cluster's keys slot by slot. A step reads the slots one master serves: its own view of
 * them (CLUSTER NODES) before and after reading their keys, kept only for the slots it served
 * throughout; a slot migrating out is read on its source and then its target (MIGRATE writes the
 * target before it deletes from the source, so a key moving meanwhile is seen at least once, and
 * twice is deduplicated). Any other change re-reads the slot map and reads the slot again.
 */
export class KeyspaceWalker {
  private readonly opts: WalkOptions;

  constructor(
    private readonly cluster: Cluster,
    options: Partial<WalkOptions> = {},
  ) {
    this.opts = { ...DEFAULT_WALK_OPTIONS, ...options };
  }

  /** Every step from `from` (a saved position) to the end. */
  async *walk(from = 0): AsyncGenerator<SlotBatch> {
    for (let position = from; position < SLOT_COUNT;) {
      const batch = await this.read(position);
      yield batch;
      position = batch.next;
    }
  }

  /** The step that starts at slot `from`: at least that slot, exactly as its master held it. */
  async read(from: number): Promise<SlotBatch> {
    if (from >= SLOT_COUNT) return { from, next: SLOT_COUNT, slots: [], last: true };
    await this.opts.beforeBatch?.(from);
    const deadline = Date.now() + this.opts.settleTimeoutMs;
    for (let attempt = 0; ; attempt++) {
      // Each attempt takes fewer slots: a master taking slots in a resharding changes its config
      // epoch with each one, and a short step fits between two changes.
      const most = Math.max(1, this.opts.slotsPerBatch >> attempt);
      const batch = await this.tryRead(from, most).catch(() => null);
      if (batch) return batch;
      if (Date.now() > deadline)
        throw new Error(
          `Redis Cluster: no master served slot ${from} steadily for ${this.opts.settleTimeoutMs} ms (a failover or resharding that does not finish?)`,
        );
      await refreshSlots(this.cluster);
      await sleep(Math.min(25 * 2 ** attempt, 500));
    }
  }

  /** One attempt; null when the slot map moved under it and `from` must be read again. */
  private async tryRead(from: number, most: number): Promise<SlotBatch | null> {
    const address = this.cluster.slots[from]?.[0];
    const node = address ? nodeAt(this.cluster, address) : null;
    if (!node) return null;
    const before = await nodeView(node);
    if (!before || !serves(before, from)) return null;
    const end = Math.min(servedUntil(before, from), from + most - 1);
    const counts = await countKeys(
      node,
      Array.from({ length: end - from + 1 }, (_, i) => from + i),
    );
    let take = 1;
    let sum = counts[0]!;
    while (take < counts.length && sum + counts[take]! <= this.opts.keysPerBatch)
      sum += counts[take++]!;
    const reads = await Promise.all(
      counts.slice(0, take).map((count, i) => this.readSlot(node, before, from + i, count)),
    );
    const after = await nodeView(node);
    const slots: SlotKeys[] = [];
    let next = from;
    for (const [i, read] of reads.entries()) {
      if (!read || !heldThroughout(before, after, from + i, read)) break;
      if (read.keys.length) slots.push({ slot: from + i, keys: read.keys });
      next = from + i + 1;
    }
    if (next === from) return null;
    return { from, next, slots, last: next >= SLOT_COUNT };
  }

  /** A slot's keys on its master and, while it migrates out, on its target too. */
  private async readSlot(
    node: Redis,
    view: NodeView,
    slot: number,
    count: number,
  ): Promise<SlotRead | null> {
    const found = new Set(await this.keysOf(node, slot, count));
    const targets = new Set<string>();
    const target = view.migrating.get(slot);
    if (target) {
      const address = view.addresses.get(target);
      const targetNode = address ? nodeAt(this.cluster, address) : null;
      if (!targetNode) return null;
      const [targetCount] = await countKeys(targetNode, [slot]);
      for (const key of await this.keysOf(targetNode, slot, targetCount!)) found.add(key);
      targets.add(target);
    }
    const prefix = this.opts.prefix;
    return { keys: [...found].filter((key) => key.startsWith(prefix)), targets };
  }

  /** The keys of a slot on one node: one GETKEYSINSLOT, or SCAN steps for a big slot. */
  private async keysOf(node: Redis, slot: number, count: number): Promise<string[]> {
    for (let n = count; n > 0;) {
      if (n > this.opts.bigSlot) return this.scanSlot(node, slot);
      const ask = n + COUNT_MARGIN;
      const keys = (await node.call('CLUSTER', 'GETKEYSINSLOT', slot, ask)) as string[];
      if (keys.length < ask) return keys;
      n = (await countKeys(node, [slot]))[0] ?? 0;
    }
    return [];
  }

  /** A big slot through SCAN steps of its node (each bounded by its COUNT), kept to the slot. */
  private async scanSlot(node: Redis, slot: number): Promise<string[]> {
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(
        cursor,
        'MATCH',
        `${globEscape(this.opts.prefix)}*`,
        'COUNT',
        SCAN_COUNT,
      );
      for (const key of keys) if (slotOf(key) === slot) found.add(key);
      cursor = next;
    } while (cursor !== '0');
    return [...found];
  }
}

/**
 * Whether a slot read between two views of its node counts: the same node served it as a master
 * in both (same id and config epoch: no failover in between), and every target it was migrating
 * to by the later view was read too.
 */
function heldThroughout(
  before: NodeView,
  after: NodeView | null,
  slot: number,
  read: SlotRead,
): boolean {
  if (!after || after.id !== before.id || after.epoch !== before.epoch) return false;
  if (!serves(after, slot)) return false;
  const target = after.migrating.get(slot);
  return target === undefined || read.targets.has(target);
}

async function countKeys(node: Redis, slots: number[]): Promise<number[]> {
  const pipeline = node.pipeline();
  for (const slot of slots) pipeline.call('CLUSTER', 'COUNTKEYSINSLOT', slot);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, n]) => {
    if (error) throw error;
    return Number(n);
  });
}

function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Keys grouped by hash slot, so one single-slot script can take each group. */
export function groupBySlot(keys: Iterable<string>): Map<number, string[]> {
  const groups = new Map<number, string[]>();
  for (const key of keys) {
    const slot = slotOf(key);
    const group = groups.get(slot);
    if (group) group.push(key);
    else groups.set(slot, [key]);
  }
  return groups;
}
