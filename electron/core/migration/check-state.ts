/** The state a divergence check keeps in Redis between steps, so it can be resumed. */
import { v7 as uuidv7 } from 'uuid';
import {
  DIVERGENCE_CATEGORIES,
  type DivergenceCategory,
  type DivergenceReport,
} from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { checkStore } from './check-store';
import { saveReport } from './report-store';

export interface CheckOptions {
  /** Re-check rounds over the suspects before they are reported. */
  recheckRounds: number;
  /** Pause between re-check rounds, so a write in flight can land. */
  recheckPauseMs: number;
  /** Compare calls kept in flight. */
  inFlight: number;
  /** SCAN COUNT hint per step. */
  scanCount: number;
  checkpointEveryMs: number;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  recheckRounds: 2,
  recheckPauseMs: 200,
  inFlight: 4,
  scanCount: 1000,
  checkpointEveryMs: 1000,
};

export type Phase = 'scan' | 'index' | 'scan_new' | 'queue' | 'idempotency' | 'recheck' | 'finish';

export interface Checkpoint {
  report: DivergenceReport;
  phase: Phase;
  /** SCAN cursor, or list/index offset, of the phase. */
  cursor: string;
  round: number;
  /** Jobs reported as workspace_mismatch whose missing-in-new finding is dropped. */
  moved: string[];
  /** Jobs reported missing in old, whose queue entries are not orphans (absent in older checkpoints). */
  missing_old?: string[];
}

function emptyCounts(): Record<DivergenceCategory, number> {
  return Object.fromEntries(DIVERGENCE_CATEGORIES.map((c) => [c, 0])) as Record<
    DivergenceCategory,
    number
  >;
}

export function newReport(workspaceId: string | null): DivergenceReport {
  return {
    id: uuidv7(),
    workspace_id: workspaceId,
    state: 'running',
    started_at: new Date().toISOString(),
    finished_at: null,
    scanned: 0,
    estimated_total: null,
    in_sync: 0,
    counts: emptyCounts(),
    settled_on_recheck: 0,
    items: [],
    truncated: false,
    pairs_compared: 0,
    recheck_rounds: 0,
    by_workspace: {},
    elapsed_s: 0,
  };
}

// The whole-Redis walk also meets the idempotency keys, so it needs no walk of its own for them.
export const PHASES_ALL: Phase[] = ['scan', 'queue', 'recheck', 'finish'];
export const PHASES_WORKSPACE: Phase[] = ['index', 'scan_new', 'idempotency', 'recheck', 'finish'];

export async function loadCheckpoint(ctx: CoreContext, scope: string): Promise<Checkpoint | null> {
  const text = await checkStore(ctx).get(keys.divergenceCheckpoint(scope));
  return text ? (JSON.parse(text) as Checkpoint) : null;
}

/** Drops an interrupted run's working lists when a fresh check replaces it. */
export async function abandon(ctx: CoreContext, cp: Checkpoint): Promise<void> {
  const id = cp.report.id;
  const lists = [0, 1, 2, 3, 4, 5, 99].map((r) => keys.divergenceSuspects(id, r));
  await checkStore(ctx).del(...lists);
  await saveReport(ctx, { ...cp.report, state: 'cancelled' });
}
