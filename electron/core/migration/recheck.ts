import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { classify, OLD_SIDE, type FlagTimeline } from './classify';
import { compareNewToOld, compareOldToNew, type Finding } from './compare-batch';
import { recheckIdempotencyKeys, recheckQueueEntries } from './orphans';

/** What a suspect is after a re-check: still divergent (maybe in another category), settled, or gone. */
export type Recheck =
  { kind: 'divergent'; item: DivergenceItem } | { kind: 'in_sync' } | { kind: 'gone' };

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
 * Reads a batch of suspects again (one compare call per side) and says what each is now; a scoped
 * check re-reads with its scope, as it first read them.
 */
export async function recheck(
  ctx: CoreContext,
  suspects: DivergenceItem[],
  flag: FlagTimeline,
  scope = '',
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
    const result = await compareOldToNew(
      ctx.redis,
      groups.old.map((i) => keys.oldJob(suspects[i]!.job_id)),
      scope,
    );
    const byId = new Map(result.findings.map((f) => [f.job_id, f]));
    for (const i of groups.old) out[i] = fromFinding(byId.get(suspects[i]!.job_id), flag);
  }
  if (groups.new.length) {
    const newKeyOf = (item: DivergenceItem) => keys.newJob(item.workspace_id ?? '', item.job_id);
    const result = await compareNewToOld(
      ctx.redis,
      groups.new.map((i) => newKeyOf(suspects[i]!)),
      scope,
    );
    const byKey = new Map(result.findings.map((f) => [keys.newJob(f.workspace_id, f.job_id), f]));
    for (const i of groups.new) out[i] = fromFinding(byKey.get(newKeyOf(suspects[i]!)), flag);
  }
  if (groups.wrongType.length) {
    const pipeline = ctx.redis.pipeline();
    for (const i of groups.wrongType) pipeline.type(wrongTypedKey(suspects[i]!)!);
    const types = (await pipeline.exec()) ?? [];
    groups.wrongType.forEach((i, j) => {
      const [error, type] = types[j] ?? [];
      // Still another type: the same finding. Changed since: a write landed; the next check reads it.
      out[i] =
        error || (type !== 'hash' && type !== 'none')
          ? { kind: 'divergent', item: suspects[i]! }
          : { kind: 'gone' };
    });
  }
  const orphanChecks: Array<[number[], typeof recheckQueueEntries]> = [
    [groups.queue, recheckQueueEntries],
    [groups.idem, recheckIdempotencyKeys],
  ];
  for (const [indexes, check] of orphanChecks) {
    if (!indexes.length) continue;
    const again = await check(
      ctx,
      indexes.map((i) => suspects[i]!),
    );
    indexes.forEach((i, j) => {
      const item = again[j];
      out[i] = item ? { kind: 'divergent', item } : { kind: 'in_sync' };
    });
  }
  return out;
}

/**
 * One batch of a re-check round, its outcome counted in the report: suspects missing in new whose
 * copy turned up under another workspace (`moved`) are dropped; the rest are read again when
 * `reread`, and only those still divergent are returned.
 */
export async function settleSuspects(
  ctx: CoreContext,
  items: DivergenceItem[],
  flag: FlagTimeline,
  moved: ReadonlySet<string>,
  report: DivergenceReport,
  reread: boolean,
  scope = '',
  /** How suspects are read again (a Redis Cluster reads them key by key). */
  readAgain: (batch: DivergenceItem[]) => Promise<Recheck[]> = (batch) =>
    recheck(ctx, batch, flag, scope),
): Promise<DivergenceItem[]> {
  const kept = items.filter((item) => {
    const drop = item.category === 'missing_in_new' && moved.has(item.job_id);
    if (drop) report.counts[item.category]--;
    return !drop;
  });
  if (!reread) return kept;
  const results = await readAgain(kept);
  const still: DivergenceItem[] = [];
  results.forEach((result, i) => {
    const before = kept[i]!;
    report.counts[before.category]--;
    if (result.kind === 'divergent') {
      report.counts[result.item.category]++;
      still.push(result.item);
    } else if (result.kind === 'in_sync') {
      report.settled_on_recheck++;
      if (!before.category.startsWith('orphan_')) report.in_sync++;
    }
  });
  return still;
}
