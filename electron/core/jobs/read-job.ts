import type { Job, Schema } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { decodeJob } from '../job-codec';
import { keys } from '../keys';

/** A job hash as read, null when absent, or a marker of the type another producer left there. */
export async function readHash(
  ctx: CoreContext,
  key: string,
): Promise<Record<string, string> | null> {
  const type = await ctx.redis.type(key);
  if (type === 'none') return null;
  if (type !== 'hash') return { __wrong_type__: type };
  return ctx.redis.hgetall(key);
}

export function toJob(hash: Record<string, string> | null, jobId: string): Job | null {
  if (!hash) return null;
  if ('__wrong_type__' in hash)
    return { job_id: jobId, status: '', extra: { wrong_type: hash.__wrong_type__! } };
  return decodeJob(hash, jobId);
}

export async function readFlag(
  ctx: CoreContext,
): Promise<{ value: 'on' | 'off'; source: 'redis' | 'env' }> {
  const raw = await ctx.redis.get(keys.flag);
  if (raw === null) return { value: ctx.config.defaultFlag, source: 'env' };
  return { value: raw === 'on' ? 'on' : 'off', source: 'redis' };
}

/**
 * docs/operations.md, "getJob and inspectJob": the new copy while the flag is on and a workspace
 * is given (falling back), else the old.
 */
export async function getJob(
  ctx: CoreContext,
  jobId: string,
  workspaceId?: string,
): Promise<{ job: Job; source: Schema } | null> {
  if (workspaceId && (await readFlag(ctx)).value === 'on') {
    const fromNew = toJob(await readHash(ctx, keys.newJob(workspaceId, jobId)), jobId);
    if (fromNew) return { job: fromNew, source: 'new' };
  }
  const fromOld = toJob(await readHash(ctx, keys.oldJob(jobId)), jobId);
  return fromOld ? { job: fromOld, source: 'old' } : null;
}

/** The job as it stands after a write, from the schema a reader would use. */
export async function readBack(
  ctx: CoreContext,
  jobId: string,
  workspaceId?: string,
): Promise<Job> {
  const found = await getJob(ctx, jobId, workspaceId);
  return found?.job ?? { job_id: jobId, status: '', extra: {} };
}

/** The fields a committed write set, known without reading the job back. */
export type WrittenFields = Omit<Partial<Job>, 'job_id' | 'extra' | 'warning'> & { status: string };

/**
 * The job after a write that committed: read back, or, when the read fails, what the
 * write itself set, with a warning. The write happened, so it is never reported as failed.
 */
export async function readBackCommitted(
  ctx: CoreContext,
  jobId: string,
  workspaceId: string | undefined,
  operation: string,
  written: WrittenFields,
): Promise<Job> {
  try {
    return await readBack(ctx, jobId, workspaceId);
  } catch (error) {
    return jobFromWrite(jobId, workspaceId, operation, written, error);
  }
}

/** A committed write's job assembled from what it set, when reading it back failed. */
export function jobFromWrite(
  jobId: string,
  workspaceId: string | undefined,
  operation: string,
  written: WrittenFields,
  readError: unknown,
): Job {
  const reason = readError instanceof Error ? readError.message : String(readError);
  return {
    job_id: jobId,
    ...(workspaceId ? { workspace_id: workspaceId } : {}),
    ...written,
    extra: {},
    warning: `The ${operation} was applied, but reading the job back failed (${reason}); only the fields it set are shown. Look the job up to see all of it.`,
  };
}
