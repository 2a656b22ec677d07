import type { Job } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { ConflictError, InternalError, NotFoundError } from '../errors';
import { keys } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';
import { readBackCommitted } from './read-job';
import { wrongWorkspace } from './update-status';

/**
 * docs/operations.md, "retry": only a failed job is requeued, atomically, in each schema where
 * it exists.
 */
export async function retry(
  ctx: CoreContext,
  jobId: string,
  workspaceId: string,
  actor: string,
): Promise<Job> {
  const keyList = orderKeys(scripts.retry, {
    old: keys.oldJob(jobId),
    new: keys.newJob(workspaceId, jobId),
    queue: keys.queue,
  });
  const now = new Date().toISOString();
  const reply = (await runScript(ctx.redis, scripts.retry, keyList, [
    jobId,
    now,
    actor,
    workspaceId,
  ])) as [number, string?];
  switch (reply[0]) {
    case 1:
      return readBackCommitted(ctx, jobId, workspaceId, 'retry', {
        status: 'pending',
        result: null,
        attempts: Number(reply[1]),
        retried_at: now,
        retried_by: actor,
      });
    default:
      throw retryRefusal(jobId, workspaceId, reply[0], reply[1]);
  }
}

/** The error of a refused retry, by the retry script's code (also the cluster's, docs/topologies.md "Cluster writes"). */
export function retryRefusal(
  jobId: string,
  workspaceId: string,
  code: number,
  detail?: string,
): Error {
  const reply = [code, detail] as const;
  switch (code) {
    case -1:
      return new InternalError(
        `Redis key ${reply[1]} holds another type than expected (WRONGTYPE); nothing was written.`,
        {
          key: reply[1],
          redis_error: 'WRONGTYPE',
        },
      );
    case -3:
      return new NotFoundError(
        `Job ${jobId} was not found in workspace ${workspaceId} or the old schema.`,
        { job_id: jobId },
      );
    case -4:
      return new ConflictError(
        `Job ${jobId} is ${reply[1] || 'without a status'}, not failed; only failed jobs can be retried (it may have been retried already).`,
        {
          job_id: jobId,
          current_status: reply[1],
        },
      );
    case -6:
      return wrongWorkspace(jobId, workspaceId, reply[1] ?? '');
    default:
      return new InternalError(`retry script answered ${JSON.stringify(reply)}`);
  }
}
