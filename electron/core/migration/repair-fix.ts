import type { DivergenceItem } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';
import { repairLargeJob } from './repair-large';
import { outcomeOfError, skippedFor, type FixOutcome, type JobFix } from './repair-outcome';

/**
 * The largest job the repair script fixes in one call. Fingerprinting both copies and writing 128
 * fields over 128 others, or 32 KiB, takes 1-1.5 ms on a busy two-core host, well inside 5 ms; a
 * bigger job is repaired in bounded steps (docs/repair.md).
 */
export const ONE_CALL_LIMITS = { fields: 128, bytes: 32 * 1024 };

function scoreOf(item: DivergenceItem): number {
  const ms = Date.parse(item.enqueued_at ?? '');
  return Number.isFinite(ms) ? ms : Date.now();
}

/** The compare-and-set fix of a divergence that copies a job (mismatch, missing_*, moves). */
export function jobFixOf(item: DivergenceItem): JobFix {
  const move = item.category === 'workspace_mismatch';
  const home = move ? (item.old_workspace ?? '') : (item.workspace_id ?? '');
  return {
    action: move ? 'move' : item.category === 'missing_in_old' ? 'new_to_old' : 'old_to_new',
    jobId: item.job_id,
    keys: {
      old: keys.oldJob(item.job_id),
      new: keys.newJob(home, item.job_id),
      index: keys.workspaceIndex(home),
      stray: move ? keys.newJob(item.workspace_id ?? '', item.job_id) : '',
      strayIndex: move ? keys.workspaceIndex(item.workspace_id ?? '') : '',
    },
    expectOld: item.old_fingerprint ?? '',
    expectOther: item.new_fingerprint ?? '',
    score: scoreOf(item),
  };
}

async function dropOrphanIdempotency(ctx: CoreContext, item: DivergenceItem): Promise<FixOutcome> {
  const keyList = orderKeys(scripts.dropOrphanIdempotency, {
    idempotency: item.key ?? '',
    old: keys.oldJob(item.job_id),
    new: keys.newJob(item.workspace_id ?? '', item.job_id),
  });
  const [ok, reason] = (await runScript(ctx.redis, scripts.dropOrphanIdempotency, keyList, [
    item.job_id,
  ])) as [number, string?];
  return ok === 1 ? { kind: 'applied' } : { kind: 'skipped', reason: reason ?? 'changed' };
}

/** One call of the repair script; a job too big for it goes through the bounded steps instead. */
async function repairJob(ctx: CoreContext, fix: JobFix): Promise<FixOutcome> {
  const [code, reason] = (await runScript(
    ctx.redis,
    scripts.repairJob,
    orderKeys(scripts.repairJob, fix.keys),
    [
      fix.action,
      fix.expectOld,
      fix.expectOther,
      fix.score,
      fix.jobId,
      ONE_CALL_LIMITS.fields,
      ONE_CALL_LIMITS.bytes,
    ],
  )) as [number, string?];
  if (code === 2) return repairLargeJob(ctx, fix);
  return code === 1 ? { kind: 'applied' } : skippedFor(reason);
}

/** Applies one fix by compare-and-set and says how it went; never throws. */
export async function applyFix(ctx: CoreContext, item: DivergenceItem): Promise<FixOutcome> {
  try {
    return item.category === 'orphan_idempotency_key'
      ? await dropOrphanIdempotency(ctx, item)
      : await repairJob(ctx, jobFixOf(item));
  } catch (error) {
    return outcomeOfError(error, item.job_id);
  }
}
