import type { Cluster } from 'ioredis';
import type { Job, JobStatus } from '../../../../shared/contract';
import type { CoreContext } from '../../context';
import { keys } from '../../keys';
import { serializeJsonObject } from '../../jobs/prepare-job';
import { readBackCommitted } from '../../jobs/read-job';
import { statusRefusal, writtenByStatus, type UpdateStatusInput } from '../../jobs/update-status';
import { applyToCopies, copySteps } from './apply';
import {
  casCopy,
  isHash,
  pushOnce,
  readCopy,
  wrongTyped,
  type CopyChange,
  type CopyRead,
} from './copies';
import { QUEUE_REACH } from '../../triage/queue';

/** The moves update-status.lua allows without force (docs/operations.md "updateStatus"). */
const ALLOWED: Record<string, Partial<Record<JobStatus, true>>> = {
  pending: { running: true },
  running: { completed: true, failed: true, pending: true },
};
const allowed = (from: string, to: JobStatus) => ALLOWED[from]?.[to] === true;

/** What a status change writes, as update-status.lua writes it. */
function changeFor(status: JobStatus, now: string, result: string): CopyChange {
  if (status === 'running') return { set: { status, started_at: now } };
  if (status === 'pending') return { set: { status } };
  return { set: { status, finished_at: now, ...(result === '' ? {} : { result }) } };
}

/** The token of a requeue's push: the run it puts back on the queue (its started_at). */
const requeueToken = (jobId: string, source: CopyRead, now: string) =>
  `${jobId}:requeue:${source.fields.started_at || source.fields.finished_at || now}`;

async function readFlagOf(ctx: CoreContext, cluster: Cluster): Promise<string> {
  try {
    return (await cluster.get(keys.flag)) ?? ctx.config.defaultFlag;
  } catch (error) {
    if (String((error as Error)?.message).startsWith('WRONGTYPE')) return 'wrongtype';
    throw error;
  }
}

/**
 * updateStatus on a Redis Cluster (docs/topologies.md "Cluster writes"): every refusal of
 * update-status.lua is decided on the copies as read, before anything is written; then the old
 * copy and the new one are each changed compare-and-set on the status read, and a requeue is
 * pushed once. A call that finds the change half done by an earlier call finishes it.
 */
export async function updateStatusCluster(
  ctx: CoreContext,
  input: UpdateStatusInput,
): Promise<Job> {
  const cluster = ctx.redis as unknown as Cluster;
  const refuse = (code: number, detail?: string) => statusRefusal(input, code, detail);
  const result =
    input.result === undefined
      ? ''
      : serializeJsonObject('result', input.result, ctx.config.maxJsonBytes);
  const ws = input.workspace_id ?? '';
  const flag = await readFlagOf(ctx, cluster);
  if (flag === 'wrongtype') throw refuse(-1, keys.flag);
  if (flag === 'on' && ws === '') throw refuse(-5);
  const [oldCopy, newCopy] = await Promise.all([
    readCopy(cluster, keys.oldJob(input.job_id)),
    ws ? readCopy(cluster, keys.newJob(ws, input.job_id)) : Promise.resolve(null),
  ]);
  const bad = wrongTyped(oldCopy, newCopy);
  if (bad) throw refuse(-1, bad);
  if (!isHash(oldCopy) && !isHash(newCopy)) throw refuse(-3);
  const own = oldCopy.fields.workspace_id;
  if (isHash(oldCopy) && ws && own && own !== ws) throw refuse(-6, own);

  const source = isHash(oldCopy) ? oldCopy : newCopy!;
  const current = source.fields.status ?? '';
  const now = new Date().toISOString();
  if (!input.force && !allowed(current, input.status)) {
    const finished = await finishHalfDone(cluster, input, oldCopy, newCopy, now);
    if (!finished) throw refuse(-4, current);
    const job = await readBackCommitted(ctx, input.job_id, ws || undefined, 'status change', {
      status: input.status,
    });
    return { ...job, warning: finished };
  }
  const requeue = input.status === 'pending' && current !== 'pending';
  // A requeue's queue is checked before the copies change, as update-status.lua checks it.
  const queueType = requeue ? await cluster.type(keys.queue) : 'none';
  if (queueType !== 'none' && queueType !== 'list') throw refuse(-1, keys.queue);
  const change = changeFor(input.status, now, result);
  await applyToCopies(cluster, input.job_id, copySteps(oldCopy, newCopy, ws, change));
  if (requeue) {
    await pushOnce(cluster, input.job_id, requeueToken(input.job_id, source, now), 0);
  }
  return readBackCommitted(
    ctx,
    input.job_id,
    ws || undefined,
    'status change',
    writtenByStatus(input, now),
  );
}

/**
 * An earlier call that stopped between its steps left the old copy at the requested status and
 * the new copy behind it, or a requeue off the queue. The new copy takes the old one's status
 * fields (compare-and-set on its own status, if its own move there is allowed) and a requeue is
 * pushed unless it was pushed or is queued. Answers what was finished, or null when nothing was
 * left to finish (the move is then refused as on one server).
 */
async function finishHalfDone(
  cluster: Cluster,
  input: UpdateStatusInput,
  oldCopy: CopyRead,
  newCopy: CopyRead | null,
  now: string,
): Promise<string | null> {
  const target = input.status;
  if (!isHash(oldCopy) || oldCopy.fields.status !== target) return null;
  const done: string[] = [];
  const behind = newCopy?.fields.status ?? '';
  if (isHash(newCopy) && behind !== target && allowed(behind, target)) {
    const { status: _status, ...taken } = changeFor(target, now, '').set;
    const set: CopyChange['set'] = { status: target };
    const del: CopyChange['del'] = [];
    for (const field of [
      ...Object.keys(taken),
      ...(target === 'completed' || target === 'failed' ? ['result'] : []),
    ] as Array<keyof CopyChange['set']>) {
      const value = oldCopy.fields[field];
      if (value === undefined) del.push(field);
      else set[field] = value;
    }
    const reply = await casCopy(cluster, newCopy.key, behind, '', { set, del });
    if (reply.ok)
      done.push(`moved ${newCopy.key} from ${behind || 'no status'} to ${target} as the old copy`);
  }
  if (target === 'pending' && (oldCopy.fields.started_at || oldCopy.fields.finished_at)) {
    const token = requeueToken(input.job_id, oldCopy, now);
    if (await pushOnce(cluster, input.job_id, token, QUEUE_REACH))
      done.push('pushed it back on the queue');
  }
  if (done.length === 0) return null;
  return `Job ${input.job_id} was already ${target} in ${oldCopy.key}: an earlier change was left half done, and this call finished it (${done.join('; ')}).`;
}
