import type { QueueEntry, QueuePage, RemoveFromQueueResult } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { ConflictError, InternalError, NotFoundError } from '../errors';
import { wrongWorkspace } from '../jobs/update-status';
import { keys } from '../keys';
import { workspacesHolding } from './find-job';
import { orderKeys, runScript, scripts } from '../scripts';

/**
 * How far from the head a job is looked for in the queue, to tell its place or to remove it: LPOS
 * and LREM take about a millisecond per 50,000 entries they pass (docs/triage.md).
 */
export const QUEUE_REACH = 50_000;

const FIELDS = [
  'workspace_id',
  'status',
  'action_provider',
  'action_name',
  'enqueued_at',
  'attempts',
] as const;

/**
 * A page of ai:queue:pending from its head (docs/triage.md, "Queue"): one LRANGE and one HMGET
 * per entry, pipelined, so a page costs the same at any depth of a long queue.
 */
export async function queuePage(
  ctx: CoreContext,
  input: { offset: number; limit: number; job_id?: string | undefined },
): Promise<QueuePage> {
  const { offset, limit } = input;
  const [total, ids, position] = await Promise.all([
    ctx.redis.llen(keys.queue),
    ctx.redis.lrange(keys.queue, offset, offset + limit - 1),
    input.job_id === undefined
      ? Promise.resolve(undefined)
      : ctx.redis.lpos(keys.queue, input.job_id, 'MAXLEN', QUEUE_REACH),
  ]);
  const pipeline = ctx.redis.pipeline();
  for (const id of ids) pipeline.hmget(keys.oldJob(id), ...FIELDS);
  const replies = ids.length ? ((await pipeline.exec()) ?? []) : [];
  const entries = ids.map((id, i): QueueEntry => {
    const [error, values] = replies[i] ?? [null, null];
    const v = (error ? [] : (values as Array<string | null>)) ?? [];
    const [ws, status, provider, name, enqueuedAt, attempts] = FIELDS.map((_, j) => v[j] ?? null);
    const missing = v.every((x) => x === null || x === undefined);
    return {
      position: offset + i,
      job_id: id,
      workspace_id: ws || null,
      status: status ?? null,
      action: [provider, name].filter(Boolean).join('.'),
      enqueued_at: enqueuedAt ?? null,
      attempts: Number(attempts ?? 0) || 0,
      missing,
    };
  });
  return {
    total,
    offset,
    entries,
    ...(input.job_id === undefined ? {} : { job_position: position ?? null }),
  };
}

export interface RemoveFromQueueInput {
  job_id: string;
  workspace_id?: string | undefined;
  reason: string;
  actor_id: string;
}

/**
 * Takes a poison job out of the queue in one script (remove-from-queue.lua): every entry of its
 * id goes, and a pending job is marked failed with the reason, in both copies (docs/triage.md).
 */
export async function removeFromQueue(
  ctx: CoreContext,
  input: RemoveFromQueueInput,
): Promise<RemoveFromQueueResult> {
  const jobId = input.job_id;
  const workspace = input.workspace_id ?? (await workspaceOf(ctx, jobId));
  const now = new Date().toISOString();
  const result = removalResult(input, now);
  const keyList = orderKeys(scripts.removeFromQueue, {
    queue: keys.queue,
    old: keys.oldJob(jobId),
    new: workspace ? keys.newJob(workspace, jobId) : '',
  });
  const reply = (await runScript(ctx.redis, scripts.removeFromQueue, keyList, [
    jobId,
    result,
    now,
    input.workspace_id ?? '',
    QUEUE_REACH,
  ])) as [number, string | number, string?, string?, number?];
  switch (reply[0]) {
    case 1:
      return {
        job_id: jobId,
        workspace_id: workspace,
        removed: Number(reply[1]),
        status_before: reply[2] || null,
        status_after: reply[3] || null,
        beyond_reach: Math.max(0, Number(reply[4] ?? 0) - QUEUE_REACH),
      };
    default:
      throw removalRefusal(jobId, input.workspace_id ?? '', reply[0], reply[1]);
  }
}

/**
 * The error of a refused removal, by the remove-from-queue script's code (also the cluster's,
 * docs/topologies.md "Cluster writes").
 */
export function removalRefusal(
  jobId: string,
  givenWorkspace: string,
  code: number,
  detail?: string | number,
): Error {
  const reply = [code, detail] as const;
  switch (code) {
    case -1:
      return new InternalError(
        `Redis key ${reply[1]} holds another type than expected (WRONGTYPE); nothing was written. Inspect or remove that key.`,
        { key: reply[1], redis_error: 'WRONGTYPE' },
      );
    case -3:
      return new NotFoundError(
        `Job ${jobId} is not in ${keys.queue} (a worker may have taken it, or it was removed already); nothing was changed.`,
        { job_id: jobId },
      );
    case -7:
      return new ConflictError(
        `Job ${jobId} is not among the first ${QUEUE_REACH} of the queue's ${reply[1]} entries; an entry deeper than that is not removed, as finding it would hold Redis too long. It moves up as workers take jobs from the head: try again later.`,
        { job_id: jobId, queue_length: Number(reply[1]), reach: QUEUE_REACH },
      );
    case -6:
      return wrongWorkspace(jobId, givenWorkspace, String(reply[1] ?? ''));
    default:
      return new InternalError(`remove-from-queue script answered ${JSON.stringify(reply)}`);
  }
}

/** The result a pending job removed from the queue is marked failed with. */
export function removalResult(input: RemoveFromQueueInput, now: string): string {
  return JSON.stringify({
    error: 'removed_from_queue',
    message: `Removed from the queue by ${input.actor_id}: ${input.reason}`,
    reason: input.reason,
    removed_by: input.actor_id,
    removed_at: now,
  });
}

/**
 * The job's workspace when the caller did not name it: the old copy's own, else the one registered
 * workspace whose new key holds the job. Null when neither tells (the queue entry is still removed).
 */
async function workspaceOf(ctx: CoreContext, jobId: string): Promise<string | null> {
  const own = await ctx.redis.hget(keys.oldJob(jobId), 'workspace_id').catch(() => null);
  if (own) return own;
  const holding = await workspacesHolding(ctx, await ctx.redis.smembers(keys.workspaces), jobId);
  return holding.length === 1 ? holding[0]! : null;
}
