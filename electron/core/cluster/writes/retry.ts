import type { Cluster } from 'ioredis';
import type { Job } from '../../../../shared/contract';
import type { CoreContext } from '../../context';
import { keys } from '../../keys';
import { readBackCommitted } from '../../jobs/read-job';
import { retryRefusal } from '../../jobs/retry';
import { QUEUE_REACH } from '../../triage/queue';
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

/** What a retry writes to each copy, as retry.lua writes it. */
function retryChange(attempts: number, now: string, actor: string): CopyChange {
  return {
    set: {
      status: 'pending',
      result: '',
      attempts: String(attempts),
      retried_at: now,
      retried_by: actor,
    },
    del: ['started_at', 'finished_at'],
  };
}

/** The token of a retry's push: its attempt, so an attempt is queued once however often it is finished. */
const retryToken = (jobId: string, attempts: number | string) => `${jobId}:retry:${attempts}`;

/**
 * retry on a Redis Cluster (docs/topologies.md "Cluster writes"): the refusals of retry.lua are
 * decided on the copies as read; each copy then moves from failed to pending compare-and-set on
 * the status read, and the id is pushed once per attempt. A retry that finds an earlier retry
 * half done (the old copy pending with that retry's stamp) finishes it instead of refusing.
 */
export async function retryCluster(
  ctx: CoreContext,
  jobId: string,
  workspaceId: string,
  actor: string,
): Promise<Job> {
  const cluster = ctx.redis as unknown as Cluster;
  const refuse = (code: number, detail?: string) => retryRefusal(jobId, workspaceId, code, detail);
  const [oldCopy, newCopy, queueType] = await Promise.all([
    readCopy(cluster, keys.oldJob(jobId)),
    readCopy(cluster, keys.newJob(workspaceId, jobId)),
    cluster.type(keys.queue),
  ]);
  const bad = wrongTyped(oldCopy, newCopy);
  if (bad) throw refuse(-1, bad);
  if (queueType !== 'none' && queueType !== 'list') throw refuse(-1, keys.queue);
  if (!isHash(oldCopy) && !isHash(newCopy)) throw refuse(-3);
  const own = oldCopy.fields.workspace_id;
  if (isHash(oldCopy) && own && own !== workspaceId) throw refuse(-6, own);

  const source = isHash(oldCopy) ? oldCopy : newCopy;
  const current = source.fields.status ?? '';
  if (current !== 'failed') {
    const finished = await finishHalfDone(cluster, jobId, source, isHash(oldCopy) ? newCopy : null);
    if (!finished) throw refuse(-4, current);
    const job = await readBackCommitted(ctx, jobId, workspaceId, 'retry', { status: 'pending' });
    return { ...job, warning: finished };
  }
  const attempts = (Number(source.fields.attempts) || 0) + 1;
  const now = new Date().toISOString();
  const change = retryChange(attempts, now, actor);
  await applyToCopies(cluster, jobId, copySteps(oldCopy, newCopy, workspaceId, change));
  await pushOnce(cluster, jobId, retryToken(jobId, attempts), 0);
  return readBackCommitted(ctx, jobId, workspaceId, 'retry', {
    status: 'pending',
    result: null,
    attempts,
    retried_at: now,
    retried_by: actor,
  });
}

/**
 * An earlier retry stopped between its steps: the first copy is pending with its stamp
 * (retried_at, attempts), and the other copy may still be failed or the id not pushed. The other
 * copy takes the same fields (compare-and-set on failed) and the attempt is pushed unless it was
 * pushed or is queued. Answers what was finished, or null when nothing was left.
 */
async function finishHalfDone(
  cluster: Cluster,
  jobId: string,
  first: CopyRead,
  other: CopyRead | null,
): Promise<string | null> {
  const { status, attempts, retried_at: at, retried_by: by } = first.fields;
  if (status !== 'pending' || !attempts || !at) return null;
  const done: string[] = [];
  if (isHash(other) && other.fields.status === 'failed') {
    const change = retryChange(Number(attempts), at, by ?? '');
    if ((await casCopy(cluster, other.key, 'failed', '', change)).ok) {
      done.push(`moved ${other.key} from failed to pending as ${first.key}`);
    }
  }
  if (await pushOnce(cluster, jobId, retryToken(jobId, attempts), QUEUE_REACH)) {
    done.push('pushed it on the queue');
  }
  if (done.length === 0) return null;
  return `Job ${jobId} was already retried in ${first.key} (attempt ${attempts}), but that retry was left half done; this call finished it (${done.join('; ')}).`;
}
