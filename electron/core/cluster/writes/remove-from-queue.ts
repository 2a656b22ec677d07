import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { RemoveFromQueueResult } from '../../../../shared/contract';
import type { CoreContext } from '../../context';
import { ConflictError, ValidationError } from '../../errors';
import { keys } from '../../keys';
import { runScript, scripts } from '../../scripts';
import {
  QUEUE_REACH,
  removalRefusal,
  removalResult,
  type RemoveFromQueueInput,
} from '../../triage/queue';
import { clusterRemovalClaim } from '../slot-tags';
import { applyToCopies, copySteps, type CopyStep } from './apply';
import { isHash, readCopy, undoOf, wrongTyped, type CopyRead } from './copies';

/** The one registered workspace whose new key holds the job, each probed in its own slot. */
async function holdingWorkspace(cluster: Cluster, jobId: string): Promise<string | null> {
  const workspaces = await cluster.smembers(keys.workspaces);
  const found = await Promise.all(
    workspaces.map((ws) => cluster.exists(keys.newJob(ws, jobId)).then((n) => (n ? ws : null))),
  );
  const holding = found.filter((ws): ws is string => ws !== null);
  return holding.length === 1 ? holding[0]! : null;
}

/** How long a removal's claim on the job's queue entries lasts: a stopped call frees them by then. */
const CLAIM_MS = 30_000;

type QueueReply = [number, number | string, number?];

/** The queue step (queue-remove.lua) in the queue's slot: claim, release, or remove. */
function queueStep(cluster: Cluster, jobId: string, token: string, mode: string) {
  return runScript(
    cluster as unknown as Redis,
    scripts.clusterQueueRemove,
    [keys.queue, clusterRemovalClaim(keys.queue, jobId)],
    [jobId, QUEUE_REACH, mode, token, CLAIM_MS],
  ) as Promise<QueueReply>;
}

function inProgress(jobId: string): ConflictError {
  return new ConflictError(
    `Another removal of job ${jobId} from the queue is in progress; nothing was changed. Try again in a few seconds.`,
    { job_id: jobId, reason: 'removal_in_progress' },
  );
}

/** The copies as a marking step left them, so that marking can be undone compare-and-set. */
function afterSteps(steps: CopyStep[]): CopyStep[] {
  return steps.reverse().map(({ copy, change }) => ({
    copy: { ...copy, fields: { ...copy.fields, ...change.set } } as CopyRead,
    workspace: '',
    change: undoOf(copy, change),
  }));
}

/**
 * removeFromQueue on a Redis Cluster (docs/topologies.md "Cluster writes"): the refusals of
 * remove-from-queue.lua are decided on the queue and the copies as read; a pending job's copies
 * are then marked failed (compare-and-set on pending), and its entries leave the queue in the
 * queue's slot. A worker that took the id meanwhile finds its job as it was: the marks are put back.
 */
export async function removeFromQueueCluster(
  ctx: CoreContext,
  input: RemoveFromQueueInput,
): Promise<RemoveFromQueueResult> {
  const cluster = ctx.redis as unknown as Cluster;
  const jobId = input.job_id;
  const given = input.workspace_id ?? '';
  const refuse = (code: number, detail?: string | number) =>
    removalRefusal(jobId, given, code, detail);
  const oldCopy = await readCopy(cluster, keys.oldJob(jobId));
  const workspace =
    given || oldCopy.fields.workspace_id || (await holdingWorkspace(cluster, jobId));
  const [newCopy, queueType, length, position] = await Promise.all([
    workspace ? readCopy(cluster, keys.newJob(workspace, jobId)) : Promise.resolve(null),
    cluster.type(keys.queue),
    cluster.llen(keys.queue).catch(() => 0),
    cluster.lpos(keys.queue, jobId, 'MAXLEN', QUEUE_REACH).catch(() => null),
  ]);
  if (queueType !== 'none' && queueType !== 'list') throw refuse(-1, keys.queue);
  const bad = wrongTyped(oldCopy, newCopy);
  if (bad) throw refuse(-1, bad);
  const own = oldCopy.fields.workspace_id;
  if (isHash(oldCopy) && given && own && own !== given) throw refuse(-6, own);
  if (position === null) throw length > QUEUE_REACH ? refuse(-7, length) : refuse(-3);

  const source = isHash(oldCopy) ? oldCopy : isHash(newCopy) ? newCopy : null;
  const before = source?.fields.status ?? '';
  const token = randomUUID();
  let marked: CopyStep[] = [];
  if (before === 'pending') {
    // Claimed first: another removal cannot take the entries out while this one marks the copies.
    const claim = await queueStep(cluster, jobId, token, 'claim');
    if (claim[0] === -8) throw inProgress(jobId);
    if (claim[0] !== 2) throw refuse(claim[0], claim[1]);
    const now = new Date().toISOString();
    const change = {
      set: { status: 'failed', result: removalResult(input, now), finished_at: now },
    };
    const steps = copySteps(oldCopy, newCopy, given, change);
    try {
      await applyToCopies(cluster, jobId, steps);
    } catch (error) {
      // A refusal put the copies back: the entries are free again. After any other error what
      // was written is not known, and the claim holds them until its lease runs out.
      if (error instanceof ConflictError || error instanceof ValidationError)
        await queueStep(cluster, jobId, token, 'release').catch(() => undefined);
      throw error;
    }
    marked = steps;
  }
  const reply = await queueStep(cluster, jobId, token, 'remove');
  if (reply[0] !== 1) {
    // Only a worker can have taken the entries meanwhile: the job goes back as it was.
    if (marked.length) await applyToCopies(cluster, jobId, afterSteps(marked));
    throw reply[0] === -8 ? inProgress(jobId) : refuse(reply[0], reply[1]);
  }
  return {
    job_id: jobId,
    workspace_id: workspace || null,
    removed: Number(reply[1]),
    status_before: before || null,
    status_after: marked.length ? 'failed' : before || null,
    beyond_reach: Math.max(0, Number(reply[2] ?? 0) - QUEUE_REACH),
  };
}
