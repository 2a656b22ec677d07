import type { Cluster } from 'ioredis';
import { wrongWorkspace } from '../../jobs/update-status';
import {
  casCopy,
  changedMeanwhile,
  isHash,
  leftSplit,
  undoOf,
  type CasReply,
  type CopyChange,
  type CopyRead,
} from './copies';

/** One copy's step: the copy as read, the workspace to check it against, and what to write. */
export interface CopyStep {
  copy: CopyRead;
  workspace: string;
  change: CopyChange;
}

/**
 * The steps of a change to both copies: each copy that is a hash, the old one first; only the old
 * copy carries the job's workspace, so only it is checked against `workspace` ('' = unchecked).
 */
export function copySteps(
  oldCopy: CopyRead,
  newCopy: CopyRead | null,
  workspace: string,
  change: CopyChange,
): CopyStep[] {
  return [oldCopy, newCopy]
    .filter(isHash)
    .map((copy) => ({ copy, workspace: copy === oldCopy ? workspace : '', change }));
}

function refusedError(jobId: string, step: CopyStep, reply: Exclude<CasReply, { ok: true }>) {
  if (reply.why === 'workspace') return wrongWorkspace(jobId, step.workspace, reply.workspace);
  return changedMeanwhile(jobId, step.copy.key, reply.why === 'gone' ? '(deleted)' : reply.status);
}

/**
 * Writes each copy in turn, compare-and-set on the status it was read with (docs/topologies.md
 * "Cluster writes"). When a copy refuses, the copies already written are put back, each while it
 * still holds this call's write, and the call fails with nothing written; a copy changed again
 * since cannot be put back, and the error says the copies may differ.
 */
export async function applyToCopies(
  cluster: Cluster,
  jobId: string,
  steps: CopyStep[],
): Promise<void> {
  const done: CopyStep[] = [];
  for (const step of steps) {
    const reply = await casCopy(
      cluster,
      step.copy.key,
      step.copy.fields.status ?? '',
      step.workspace,
      step.change,
    );
    if (reply.ok) {
      done.push(step);
      continue;
    }
    // Another call made the same move meanwhile (one finishing this call's change, or the same
    // request twice): the copy is where this call takes it, so nothing is put back.
    if (done.length > 0 && reply.why === 'changed' && reply.status === step.change.set.status)
      continue;
    for (const applied of done.reverse()) {
      const undone = await casCopy(
        cluster,
        applied.copy.key,
        applied.change.set.status ?? applied.copy.fields.status ?? '',
        '',
        undoOf(applied.copy, applied.change),
      );
      if (!undone.ok) throw leftSplit(jobId, applied.copy.key, step.copy.key);
    }
    throw refusedError(jobId, step, reply);
  }
}
