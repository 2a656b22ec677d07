import type { DivergenceCategory, DivergenceItem, FlagValue } from '../../../shared/contract';
import type { Finding } from './compare-batch';
import { flagAt, type FlagChange } from './flags';

/** What the classifier needs to know about the flag's past. */
export interface FlagTimeline {
  history: FlagChange[];
  current: FlagValue;
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
      return null;
    case 'missing_in_new': {
      const at = Date.parse(finding.enqueued_at);
      // enqueued_at has millisecond resolution: in the very millisecond of a flip the flag could
      // have been either, and a job without its new copy then most likely went in while it was off.
      const wasOff =
        flagAt(flag.history, flag.current, at) === 'off' ||
        flagAt(flag.history, flag.current, at - 1) === 'off';
      return { ...base, category: wasOff ? 'awaiting_backfill' : 'missing_in_new' };
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
