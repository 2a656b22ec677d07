import type { Job, JobStatus } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { ConflictError, InternalError, NotFoundError, ValidationError } from '../errors';
import { keys } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';
import { serializeJsonObject } from './prepare-job';
import { readBackCommitted, type WrittenFields } from './read-job';

export interface UpdateStatusInput {
  job_id: string;
  status: JobStatus;
  workspace_id?: string | undefined;
  result?: Record<string, unknown> | undefined;
  force?: boolean | undefined;
}

/**
 * docs/operations.md, "updateStatus": both copies in one script; unknown jobs are reported,
 * never created; back to pending requeues.
 */
export async function updateStatus(ctx: CoreContext, input: UpdateStatusInput): Promise<Job> {
  const result =
    input.result === undefined
      ? ''
      : serializeJsonObject('result', input.result, ctx.config.maxJsonBytes);
  const keyList = orderKeys(scripts.updateStatus, {
    old: keys.oldJob(input.job_id),
    flag: keys.flag,
    new: input.workspace_id ? keys.newJob(input.workspace_id, input.job_id) : '',
    queue: keys.queue,
  });
  const now = new Date().toISOString();
  const reply = (await runScript(ctx.redis, scripts.updateStatus, keyList, [
    ctx.config.defaultFlag,
    input.status,
    input.force ? '1' : '0',
    now,
    result,
    input.job_id,
    input.workspace_id ?? '',
  ])) as [number, string?];
  switch (reply[0]) {
    case 1:
      return readBackCommitted(
        ctx,
        input.job_id,
        input.workspace_id,
        'status change',
        writtenByStatus(input, now),
      );
    default:
      throw statusRefusal(input, reply[0], reply[1]);
  }
}

/**
 * The error of a refused status change, by the update-status script's code (also used by the
 * cluster's compare-and-set steps, docs/topologies.md "Cluster writes").
 */
export function statusRefusal(input: UpdateStatusInput, code: number, detail?: string): Error {
  const reply = [code, detail] as const;
  switch (code) {
    case -1:
      return new InternalError(
        `Redis key ${reply[1]} holds another type than expected (WRONGTYPE); nothing was written. Inspect or remove that key.`,
        {
          key: reply[1],
          redis_error: 'WRONGTYPE',
        },
      );
    case -3:
      return new NotFoundError(
        `Job ${input.job_id} was not found in either schema; nothing was written. Check the job id${input.workspace_id ? '' : ' and pass its workspace'}.`,
        {
          job_id: input.job_id,
        },
      );
    case -4:
      return new ConflictError(
        `Job ${input.job_id} is ${reply[1] || 'without a status'}; it cannot move to ${input.status}. Allowed: pending→running, running→completed|failed|pending. An operator can force it.`,
        { job_id: input.job_id, current_status: reply[1], requested_status: input.status },
      );
    case -5:
      return new ValidationError(
        'workspace_id is required while dual-write (the new schema flag) is on, so both copies stay in step.',
        {
          field: 'workspace_id',
        },
      );
    case -6:
      return wrongWorkspace(input.job_id, input.workspace_id ?? '', reply[1] ?? '');
    default:
      return new InternalError(`update-status script answered ${JSON.stringify(reply)}`);
  }
}

/** What the update-status script sets for a status, mirroring its field list. */
export function writtenByStatus(input: UpdateStatusInput, now: string): WrittenFields {
  if (input.status === 'running') return { status: input.status, started_at: now };
  if (input.status === 'pending') return { status: input.status };
  return {
    status: input.status,
    finished_at: now,
    ...(input.result === undefined ? {} : { result: input.result }),
  };
}

/** A workspace that is not the job's own: the scripts refuse it so the job's copies never split. */
export function wrongWorkspace(
  jobId: string,
  given: string,
  jobWorkspace: string,
): ValidationError {
  return new ValidationError(
    `Job ${jobId} belongs to workspace ${jobWorkspace}, not ${given}; nothing was written. Use workspace_id ${jobWorkspace}.`,
    { field: 'workspace_id', given, job_workspace: jobWorkspace },
  );
}
