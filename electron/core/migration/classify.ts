import type { DivergenceCategory, DivergenceItem, FlagValue } from '../../../shared/contract';
import type { Finding } from './compare-batch';
import { flagAt, type FlagChange } from './flags';

/** What the classifier needs to know about the flag's past. */
export interface FlagTimeline {
  history: FlagChange[];
  current: FlagValue;
  /** The producer clock skew allowed around a flip (check-state.ts flagSkewMs). */
  skewMs: number;
}

/** Categories a repair or re-check acts on from the old copy (the others start from the new key). */
export const OLD_SIDE: ReadonlySet<DivergenceCategory> = new Set([
  'missing_in_new',
  'awaiting_backfill',
  'mismatch',
]);

/** Turns a compare script's finding into a report item; null when there is nothing to report. */
export function classify(finding: Finding, flag: FlagTimeline): DivergenceItem | null {
  const base = {
    job_id: finding.job_id,
    workspace_id: finding.workspace_id || null,
    old_fingerprint: finding.old_fp,
    new_fingerprint: finding.new_fp,
    ...(finding.enqueued_at ? { enqueued_at: finding.enqueued_at } : {}),
  };
  switch (finding.code) {
    case 'gone':
    case 'large': // compared by compare-batch.ts before classifying; never reaches here
      return null;
    case 'missing_in_new': {
      const at = Date.parse(finding.enqueued_at);
      if (flagAt(flag.history, flag.current, at) === 'off')
        return { ...base, category: 'awaiting_backfill' };
      // enqueued_at comes from the producer's clock and the flag history from Redis's: within the
      // allowed skew of a flip the flag may have been off when the job went in.
      return offWithin(flag, at - flag.skewMs - 1, at + flag.skewMs)
        ? { ...base, category: 'awaiting_backfill', near_flip: true }
        : { ...base, category: 'missing_in_new' };
    }
    case 'mismatch':
      return { ...base, category: 'mismatch', fields: finding.detail.split(',') };
    case 'wrong_type':
      return { ...base, category: 'mismatch', fields: ['(wrong type)'], key: finding.detail };
    case 'missing_in_old':
      return { ...base, category: 'missing_in_old' };
    case 'workspace_mismatch': {
      const [oldWorkspace] = finding.detail.split('|');
      return { ...base, category: 'workspace_mismatch', old_workspace: oldWorkspace ?? '' };
    }
  }
}

/** Whether the flag was off at any moment of [fromMs, toMs] by the recorded history. */
function offWithin(flag: FlagTimeline, fromMs: number, toMs: number): boolean {
  if (!Number.isFinite(fromMs)) return false;
  if (flagAt(flag.history, flag.current, fromMs) === 'off') return true;
  return flag.history.some((c) => c.at > fromMs && c.at <= toMs && c.value === 'off');
}

/**
 * A workspace_mismatch whose old hash has no copy under its own workspace also shows up old -> new
 * as missing in new; the job is reported once, as the workspace mismatch.
 */
export function isMovedCopy(finding: Finding): boolean {
  return finding.code === 'workspace_mismatch' && finding.detail.endsWith('|0');
}

/** Counts as divergent: everything but jobs legitimately awaiting backfill. */
export function isDivergent(category: DivergenceCategory): boolean {
  return category !== 'awaiting_backfill';
}
