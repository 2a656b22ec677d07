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
  /** Overrides the core's allowed producer clock skew around a flag flip (CoreConfig.flagSkewMs). */
  flagSkewMs?: number;
}

export const DEFAULT_CHECK_OPTIONS: CheckOptions = {
  recheckRounds: 2,
  recheckPauseMs: 200,
  inFlight: 32,
  scanCount: 1000,
  checkpointEveryMs: 1000,
};

export type Phase = 'scan' | 'queue' | 'recheck' | 'finish';

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
  /** The Redis server's run_id when the cursor was saved: a SCAN cursor means nothing on another. */
  run_id?: string;
  /**
   * Length of each working list when the checkpoint was saved. Items pushed after it belong to
   * steps a resumed run does again, so a resume trims the lists back to these lengths.
   */
  list_lengths?: Record<string, number>;
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

/**
 * The walk meets the idempotency keys too, so they need no walk of their own. A workspace-scoped
 * check walks the same keyspace (jobs other producers wrote are in no index of ours) and keeps
 * only what concerns its workspace; queue entries without a job name no workspace, so it skips
 * them.
 */
export const PHASES_ALL: Phase[] = ['scan', 'queue', 'recheck', 'finish'];
export const PHASES_WORKSPACE: Phase[] = ['scan', 'recheck', 'finish'];

export async function loadCheckpoint(ctx: CoreContext, scope: string): Promise<Checkpoint | null> {
  const text = await checkStore(ctx).get(keys.divergenceCheckpoint(scope));
  if (!text) return null;
  const cp = JSON.parse(text) as Checkpoint;
  // A checkpoint of an older version's phases cannot be continued; the check starts again.
  return PHASES_ALL.includes(cp.phase) ? cp : null;
}

/** The working lists a run may push to: suspects per re-check round, awaiting backfill, items. */
export function workingLists(reportId: string): string[] {
  return [
    ...suspectLists(reportId),
    keys.divergenceAwaiting(reportId),
    keys.divergenceItems(reportId),
  ];
}

function suspectLists(reportId: string): string[] {
  return [0, 1, 2, 3, 4, 5, 99].map((r) => keys.divergenceSuspects(reportId, r));
}

/** Trims every working list back to its length at the checkpoint (resume; see list_lengths). */
export async function trimToCheckpoint(ctx: CoreContext, cp: Checkpoint): Promise<void> {
  const store = checkStore(ctx);
  for (const list of workingLists(cp.report.id)) {
    const kept = cp.list_lengths?.[list] ?? 0;
    if (kept === 0) await store.del(list);
    else await store.ltrim(list, 0, kept - 1);
  }
}

/** Identifies the Redis server process; it changes with a restart or a failover. */
export async function redisRunId(ctx: CoreContext): Promise<string> {
  const info = await ctx.redis.info('server');
  return /^run_id:(\S+)/m.exec(info)?.[1] ?? '';
}

/** Drops an interrupted run's working lists when a fresh check replaces it. */
export async function abandon(ctx: CoreContext, cp: Checkpoint): Promise<void> {
  await checkStore(ctx).del(...suspectLists(cp.report.id));
  await saveReport(ctx, { ...cp.report, state: 'cancelled' });
}
