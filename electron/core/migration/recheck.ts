import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CoreContext } from '../context';
import type { FlagTimeline } from './classify';
import { compareNewToOld, compareOldToNew } from './compare-batch';
import { recheckIdempotencyKeys, recheckQueueEntries } from './orphans';
import { recheckWith, type Recheck } from './recheck-reads';

export type { Recheck } from './recheck-reads';

/**
 * Reads a batch of suspects again (one compare call per side) and says what each is now; a scoped
 * check re-reads with its scope, as it first read them.
 */
export function recheck(
  ctx: CoreContext,
  suspects: DivergenceItem[],
  flag: FlagTimeline,
  scope = '',
): Promise<Recheck[]> {
  return recheckWith(suspects, flag, {
    compareOld: (oldKeys) => compareOldToNew(ctx.redis, oldKeys, scope),
    compareNew: (newKeys) => compareNewToOld(ctx.redis, newKeys, scope),
    stillWrongTyped: async (wrongKeys) => {
      const pipeline = ctx.redis.pipeline();
      for (const key of wrongKeys) pipeline.type(key);
      const types = (await pipeline.exec()) ?? [];
      return wrongKeys.map((_, j) => {
        const [error, type] = types[j] ?? [];
        return Boolean(error) || (type !== 'hash' && type !== 'none');
      });
    },
    queueOrphans: (items) => recheckQueueEntries(ctx, items),
    idempotencyOrphans: (items) => recheckIdempotencyKeys(ctx, items),
  });
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
