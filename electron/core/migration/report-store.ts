import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { checkStore } from './check-store';
import { withRepairMarks } from './repair-marks';

/** Reports kept for the trend; older ones are dropped with their item lists. */
export const REPORT_HISTORY = 50;
/** Items carried inside a report; the full list stays in Redis for repair. */
export const REPORT_ITEMS_CAP = 1000;

/** Stores a report without its items (they live in their own list). */
export async function saveReport(ctx: CoreContext, report: DivergenceReport): Promise<void> {
  await checkStore(ctx).set(
    keys.divergenceReport(report.id),
    JSON.stringify({ ...report, items: [] }),
  );
}

/** Files a new report at the head of the history and drops what falls off its end. */
export async function fileReport(ctx: CoreContext, report: DivergenceReport): Promise<void> {
  const store = checkStore(ctx);
  await saveReport(ctx, report);
  await store.lpush(keys.divergenceReports, report.id);
  const dropped = await store.lrange(keys.divergenceReports, REPORT_HISTORY, -1);
  if (dropped.length === 0) return;
  await store.ltrim(keys.divergenceReports, 0, REPORT_HISTORY - 1);
  await store.del(
    ...dropped.flatMap((id) => [
      keys.divergenceReport(id),
      keys.divergenceItems(id),
      keys.divergenceAwaiting(id),
      keys.divergenceRepaired(id),
    ]),
  );
}

/** Kept reports, newest first, items omitted. */
export async function listReports(ctx: CoreContext, limit: number): Promise<DivergenceReport[]> {
  const store = checkStore(ctx);
  const ids = await store.lrange(keys.divergenceReports, 0, limit - 1);
  if (ids.length === 0) return [];
  const raw = await store.mget(ids.map((id) => keys.divergenceReport(id)));
  return raw.flatMap((text) => (text ? [JSON.parse(text) as DivergenceReport] : []));
}

/** One kept report with its first items (divergent jobs first, then those awaiting backfill). */
export async function readReport(ctx: CoreContext, id: string): Promise<DivergenceReport | null> {
  const store = checkStore(ctx);
  const text = await store.get(keys.divergenceReport(id));
  if (!text) return null;
  const report = JSON.parse(text) as DivergenceReport;
  const [items, divergentTotal] = await Promise.all([
    store.lrange(keys.divergenceItems(id), 0, REPORT_ITEMS_CAP - 1),
    store.llen(keys.divergenceItems(id)),
  ]);
  const room = REPORT_ITEMS_CAP - items.length;
  const [awaiting, awaitingTotal] = await Promise.all([
    room > 0 ? store.lrange(keys.divergenceAwaiting(id), 0, room - 1) : Promise.resolve([]),
    store.llen(keys.divergenceAwaiting(id)),
  ]);
  report.items = await withRepairMarks(
    ctx,
    id,
    [...items, ...awaiting].map((t) => JSON.parse(t) as DivergenceItem),
  );
  report.truncated = divergentTotal + awaitingTotal > report.items.length;
  return report;
}

/** Walks every item of a report (divergent, then awaiting backfill) in bounded pages. */
export async function* reportItems(
  ctx: CoreContext,
  id: string,
  page = 500,
): AsyncGenerator<DivergenceItem[]> {
  for (const list of [keys.divergenceItems(id), keys.divergenceAwaiting(id)]) {
    for (let offset = 0; ; offset += page) {
      const chunk = await checkStore(ctx).lrange(list, offset, offset + page - 1);
      if (chunk.length === 0) break;
      yield chunk.map((t) => JSON.parse(t) as DivergenceItem);
      if (chunk.length < page) break;
    }
  }
}

/** Pushes items onto a list in one call per page (bounded argument size). */
export async function pushItems(
  ctx: CoreContext,
  list: string,
  items: DivergenceItem[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 500) {
    await checkStore(ctx).rpush(
      list,
      ...items.slice(i, i + 500).map((item) => JSON.stringify(item)),
    );
  }
}
