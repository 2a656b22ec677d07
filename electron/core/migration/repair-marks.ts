import type { DivergenceItem, RepairMark } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import type { FixOutcome } from './repair-outcome';

/** The field of an item in its report's repair marks: category, job and key name one item. */
export function markField(item: DivergenceItem): string {
  return `${item.category}|${item.job_id}|${item.key ?? ''}`;
}

/** What a fix's outcome leaves on its report item; a fix that failed wrote nothing and leaves none. */
function markOf(outcome: FixOutcome, at: string): RepairMark | null {
  switch (outcome.kind) {
    case 'applied':
      return { outcome: 'applied', at };
    case 'skipped':
      return { outcome: 'skipped', reason: outcome.reason, at };
    case 'unknown':
      return { outcome: 'unknown', reason: outcome.error.message, at };
    case 'failed':
      return null;
  }
}

/**
 * A report's repair marks (docs/repair.md "What a report shows after a repair"): each item a repair
 * tried is marked applied, skipped (with why) or unknown, in `ai:qs:div:repaired:{report}`, so the
 * report no longer lists fixed jobs as if they were still divergent. Marks are written once per
 * page of fixes; losing them (Redis gone meanwhile) never fails the repair that made them.
 */
export class RepairMarks {
  private pending: string[] = [];

  constructor(
    private readonly ctx: CoreContext,
    private readonly reportId: string,
  ) {}

  add(item: DivergenceItem, outcome: FixOutcome): void {
    const mark = markOf(outcome, new Date().toISOString());
    if (mark) this.pending.push(markField(item), JSON.stringify(mark));
  }

  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const fields = this.pending;
    this.pending = [];
    await this.ctx.redis.hset(keys.divergenceRepaired(this.reportId), ...fields).catch(() => 0);
  }
}

/** Puts each item's repair mark, if any, on the items of a report as read (one HMGET). */
export async function withRepairMarks(
  ctx: CoreContext,
  reportId: string,
  items: DivergenceItem[],
): Promise<DivergenceItem[]> {
  if (items.length === 0) return items;
  const raw = await ctx.redis.hmget(keys.divergenceRepaired(reportId), ...items.map(markField));
  return items.map((item, i) => {
    const text = raw[i];
    return text ? { ...item, repair: JSON.parse(text) as RepairMark } : item;
  });
}
