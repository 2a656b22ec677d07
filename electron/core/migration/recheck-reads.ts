import type { DivergenceItem } from '../../../shared/contract';
import { keys } from '../keys';
import { classify, OLD_SIDE, type FlagTimeline } from './classify';
import type { BatchResult, Finding } from './compare-batch';

/** What a suspect is after a re-check: still divergent (maybe in another category), settled, or gone. */
export type Recheck =
  { kind: 'divergent'; item: DivergenceItem } | { kind: 'in_sync' } | { kind: 'gone' };

/** How one topology reads suspects again, as its walk first read them. */
export interface RecheckReads {
  /** The compare call of old hashes against their new copies. */
  compareOld(oldKeys: string[]): Promise<BatchResult>;
  /** The compare call of new copies against their old hashes. */
  compareNew(newKeys: string[]): Promise<BatchResult>;
  /** Whether each key is still of a type the check refuses (another type than a hash, or unread). */
  stillWrongTyped(wrongKeys: string[]): Promise<boolean[]>;
  /** Each orphan queue entry still orphaned, or null. */
  queueOrphans(items: DivergenceItem[]): Promise<Array<DivergenceItem | null>>;
  /** Each orphan idempotency key still orphaned, or null. */
  idempotencyOrphans(items: DivergenceItem[]): Promise<Array<DivergenceItem | null>>;
}

function fromFinding(finding: Finding | undefined, flag: FlagTimeline): Recheck {
  if (!finding) return { kind: 'in_sync' };
  const item = classify(finding, flag);
  return item ? { kind: 'divergent', item } : { kind: 'gone' };
}

/** The key a wrong-type finding names ('{key} is a {type}'), or null for any other item. */
function wrongTypedKey(item: DivergenceItem): string | null {
  if (item.category !== 'mismatch' || !item.key) return null;
  const at = item.key.lastIndexOf(' is a ');
  return at > 0 ? item.key.slice(0, at) : null;
}

/**
 * Reads a batch of suspects again, each kind in its own read (the compare calls of each side, the
 * wrong-typed keys, the orphans), and says what each is now. One server and a cluster share this
 * and differ only in `reads`.
 */
export async function recheckWith(
  suspects: DivergenceItem[],
  flag: FlagTimeline,
  reads: RecheckReads,
): Promise<Recheck[]> {
  const out: Recheck[] = new Array(suspects.length);
  const groups = {
    old: [] as number[],
    new: [] as number[],
    queue: [] as number[],
    idem: [] as number[],
    wrongType: [] as number[],
  };
  suspects.forEach((item, i) => {
    if (wrongTypedKey(item)) groups.wrongType.push(i);
    else if (item.category === 'orphan_queue_entry') groups.queue.push(i);
    else if (item.category === 'orphan_idempotency_key') groups.idem.push(i);
    else if (OLD_SIDE.has(item.category)) groups.old.push(i);
    else groups.new.push(i);
  });

  if (groups.old.length) {
    const result = await reads.compareOld(groups.old.map((i) => keys.oldJob(suspects[i]!.job_id)));
    const byId = new Map(result.findings.map((f) => [f.job_id, f]));
    for (const i of groups.old) out[i] = fromFinding(byId.get(suspects[i]!.job_id), flag);
  }
  if (groups.new.length) {
    const newKeyOf = (item: DivergenceItem) => keys.newJob(item.workspace_id ?? '', item.job_id);
    const result = await reads.compareNew(groups.new.map((i) => newKeyOf(suspects[i]!)));
    const byKey = new Map(result.findings.map((f) => [keys.newJob(f.workspace_id, f.job_id), f]));
    for (const i of groups.new) out[i] = fromFinding(byKey.get(newKeyOf(suspects[i]!)), flag);
  }
  if (groups.wrongType.length) {
    const still = await reads.stillWrongTyped(
      groups.wrongType.map((i) => wrongTypedKey(suspects[i]!)!),
    );
    // Still another type: the same finding. Changed since: a write landed; the next check reads it.
    groups.wrongType.forEach((i, j) => {
      out[i] = still[j] ? { kind: 'divergent', item: suspects[i]! } : { kind: 'gone' };
    });
  }
  const orphanChecks: Array<[number[], RecheckReads['queueOrphans']]> = [
    [groups.queue, (items) => reads.queueOrphans(items)],
    [groups.idem, (items) => reads.idempotencyOrphans(items)],
  ];
  for (const [indexes, check] of orphanChecks) {
    if (!indexes.length) continue;
    const again = await check(indexes.map((i) => suspects[i]!));
    indexes.forEach((i, j) => {
      const item = again[j];
      out[i] = item ? { kind: 'divergent', item } : { kind: 'in_sync' };
    });
  }
  return out;
}
