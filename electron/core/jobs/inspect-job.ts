import type { CoreContext } from '../context';
import { differingFields } from '../job-codec';
import { keys } from '../keys';
import { awaitsBackfill } from './awaiting-backfill';
import { readHash, toJob } from './read-job';

/** docs/operations.md, "getJob and inspectJob": both copies side by side and what differs. */
export async function inspectJob(ctx: CoreContext, jobId: string, workspaceId: string) {
  const [oldHash, newHash] = await Promise.all([
    readHash(ctx, keys.oldJob(jobId)),
    readHash(ctx, keys.newJob(workspaceId, jobId)),
  ]);
  const differences = oldHash && newHash ? differingFields(oldHash, newHash) : [];
  const inspection = { old: toJob(oldHash, jobId), new: toJob(newHash, jobId), differences };
  // A job without its new copy is named as the check and the jobs list name it.
  const oldJob = oldHash && !('__wrong_type__' in oldHash) ? oldHash : null;
  if (oldJob && !newHash && (await awaitsBackfill(ctx, jobId, oldJob.enqueued_at ?? '')))
    return { ...inspection, awaiting_backfill: true };
  return inspection;
}
