import type { DivergenceItem } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { checkStore } from './check-store';
import { compareNewToOld, type Finding } from './compare-batch';
import { pushItems } from './report-store';

/**
 * A workspace-scoped check sees only its own workspace's new keys, so a copy filed under another
 * workspace would pass for missing in new. This looks for the new copies of those jobs under the
 * other workspaces (one EXISTS per job and workspace, pipelined) and compares each copy found with
 * its old hash, which reports it as the whole-Redis check does: a workspace mismatch.
 */
export async function findCopiesElsewhere(
  ctx: CoreContext,
  jobIds: string[],
  otherWorkspaces: string[],
): Promise<Finding[]> {
  const candidates = jobIds.flatMap((id) => otherWorkspaces.map((ws) => keys.newJob(ws, id)));
  if (candidates.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const key of candidates) pipeline.exists(key);
  const replies = (await pipeline.exec()) ?? [];
  const found = candidates.filter((_, i) => Number(replies[i]?.[1] ?? 0) > 0);
  return (await compareNewToOld(ctx.redis, found)).findings;
}

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
