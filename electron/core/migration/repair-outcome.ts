import type { ApiError } from '../../../shared/contract';
import { toApiError } from '../error-mapping';
import type { Confirmation } from '../redis/durability';

export type RepairAction = 'old_to_new' | 'new_to_old' | 'move';

/** One job's compare-and-set fix: the keys it touches and the fingerprints the check saw. */
export interface JobFix {
  action: RepairAction;
  jobId: string;
  keys: { old: string; new: string; index: string; stray: string; strayIndex: string };
  /** Fingerprint of the old copy ('' = absent). */
  expectOld: string;
  /** Fingerprint of the new copy, or of the stray for a move ('' = absent). */
  expectOther: string;
  /** Index score, the job's enqueue time in ms. */
  score: number;
}

export type FixOutcome = (
  | { kind: 'applied' }
  | { kind: 'skipped'; reason: string }
  /** The write went out and its reply was lost: it may or may not have been applied. */
  | { kind: 'unknown'; error: ApiError }
  /** The fix failed and wrote nothing of the job's copies. */
  | { kind: 'failed'; error: unknown }
) & {
  /**
   * The replicas' word on what the fix committed on a WATCH connection of its own, which the
   * call's WAIT on the pooled connection does not cover (docs/topologies.md "Acknowledged means
   * durable"); absent when it committed nothing there, null when the policy asks no replica.
   */
  commit?: Confirmation | null;
};

/**
 * A thrown error as the outcome of the fix's write that threw it. A fix is sent on a connection
 * the repair has been using, so a lost reply counts as possibly applied: outcome unknown, never
 * "nothing was written".
 */
export function outcomeOfError(error: unknown, jobId: string): FixOutcome {
  const api = toApiError(error, { write: true, mayHaveBeenSent: true });
  if (api.details?.outcome !== 'unknown') return { kind: 'failed', error };
  const said = error instanceof Error ? error.message : String(error);
  return {
    kind: 'unknown',
    error: {
      ...api,
      message: `Redis did not answer the fix of job ${jobId} after it was sent (${said}): it may or may not have been applied. Run a divergence check: it shows whether the job was repaired, and a repair from it finishes the work.`,
    },
  };
}

/** A fix left alone, with why; a plain 'changed' says since when. */
export function skippedFor(reason = 'changed'): FixOutcome {
  return { kind: 'skipped', reason: reason === 'changed' ? 'changed since the check' : reason };
}
