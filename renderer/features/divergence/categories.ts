import type { DivergenceCategory, RepairMark } from '../../../shared/contract';

/** One name per category, the same words the jobs list uses for a row's sync state. */
export const CATEGORY_LABELS: Record<DivergenceCategory, string> = {
  missing_in_new: 'Missing in new',
  awaiting_backfill: 'Awaiting backfill',
  missing_in_old: 'Missing in old',
  mismatch: 'Mismatch',
  workspace_mismatch: 'Workspace mismatch',
  orphan_queue_entry: 'Orphan queue entry',
  orphan_idempotency_key: 'Orphan idempotency key',
};

/** A report item's repair mark in words (docs/repair.md "What a report shows after a repair"). */
export function markText(mark: RepairMark): string {
  switch (mark.outcome) {
    case 'applied':
      return 'fixed';
    case 'skipped':
      return `skipped: ${mark.reason ?? 'left as it is'}`;
    case 'unknown':
      return 'outcome unknown: run a check';
  }
}
