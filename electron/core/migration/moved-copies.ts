import type { DivergenceItem } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { checkStore } from './check-store';
import { pushItems } from './report-store';

/**
 * Rewrites a report's list without the jobs in `moved` (through `temp`, in slices, on the check's
 * store); returns how many records it dropped. A job moved to another workspace was also counted
 * missing in new or awaiting backfill, and its workspace mismatch says it all.
 */
export async function dropMovedJobs(
  ctx: CoreContext,
  list: string,
  temp: string,
  moved: ReadonlySet<string>,
): Promise<number> {
  const store = checkStore(ctx);
  let dropped = 0;
  await store.del(temp);
  for (let offset = 0; ; offset += 500) {
    const raw = await store.lrange(list, offset, offset + 499);
    if (raw.length === 0) break;
    const items = raw.map((t) => JSON.parse(t) as DivergenceItem);
    const kept = items.filter((item) => !moved.has(item.job_id));
    dropped += items.length - kept.length;
    if (kept.length) await pushItems(ctx, temp, kept);
  }
  if (await store.exists(temp)) await store.rename(temp, list);
  else await store.del(list);
  return dropped;
}
