import type { CoreContext } from '../context';
import { keys } from '../keys';
import { compareNewToOld, type Finding } from './compare-batch';

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
