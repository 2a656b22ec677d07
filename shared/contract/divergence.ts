import { z } from 'zod';
import type { ApiError } from './errors';
import { actorId, workspaceId } from './ids';
import { DIVERGENCE_CATEGORIES, type DivergenceCategory } from './names';
import { operation } from './operation';

export { DIVERGENCE_CATEGORIES, type DivergenceCategory };

export interface DivergenceItem {
  category: DivergenceCategory;
  job_id: string;
  workspace_id: string | null;
  /** Differing fields (mismatch). */
  fields?: string[];
  /** The workspace the old hash names (workspace_mismatch). */
  old_workspace?: string;
  /** The Redis key concerned (orphans, wrong-typed keys). */
  key?: string;
  /** Fingerprints of each copy as the check saw it ('' = absent): the repair's compare-and-set token. */
  old_fingerprint?: string;
  new_fingerprint?: string;
  /** The job's enqueued_at (ISO-8601), when known. */
  enqueued_at?: string;
  /**
   * awaiting_backfill only because the job went in within the allowed producer clock skew of a
   * flag flip: the flag may have been off or on then.
   */
  near_flip?: boolean;
  /** What the last repair from this report did to the item (docs/repair.md); absent if none tried it. */
  repair?: RepairMark;
}

/** A repair's outcome for one report item, kept with the report. */
export interface RepairMark {
  outcome: 'applied' | 'skipped' | 'unknown';
  /** Why it was skipped, or what was lost (unknown). */
  reason?: string;
  /** When the repair tried it (ISO-8601). */
  at: string;
}

export interface DivergenceReport {
  id: string;
  workspace_id: string | null;
  state: 'running' | 'completed' | 'cancelled' | 'failed';
  started_at: string;
  finished_at: string | null;
  /** Jobs compared so far and the estimate of the total. */
  scanned: number;
  estimated_total: number | null;
  in_sync: number;
  counts: Record<DivergenceCategory, number>;
  /** Suspects that were equal when re-checked (a live write between the two reads). */
  settled_on_recheck: number;
  /** The divergent jobs, capped; `truncated` says when there were more. */
  items: DivergenceItem[];
  truncated: boolean;
  /** Old/new job pairs compared (old -> new direction). */
  pairs_compared?: number;
  /** Re-check rounds run over the suspects before reporting. */
  recheck_rounds?: number;
  /** Divergent jobs per workspace (every category but awaiting_backfill and the orphans). */
  by_workspace?: Record<string, number>;
  /** Seconds the check ran (up to now while running). */
  elapsed_s?: number;
  /** Set when the report continued an interrupted check from its saved cursor. */
  resumed?: boolean;
  /**
   * Set when a resumed check found another Redis server process (a restart or a failover) and
   * walked the keyspace again from the start: a SCAN cursor means nothing on another process.
   */
  walk_restarted?: boolean;
  /** The producer clock skew allowed around a flag flip, and the jobs it classed awaiting backfill. */
  flag_skew_ms?: number;
  near_flip?: number;
}

export interface RepairResult {
  dry_run: boolean;
  /** What was (or, in a dry run, would be) done, one line per fix. */
  planned: Array<{
    job_id: string;
    workspace_id: string | null;
    category: DivergenceCategory;
    action: string;
  }>;
  applied: number;
  /** Fixes skipped because a copy changed since it was checked (compare-and-set failed) or could not be fixed. */
  skipped: Array<{ job_id: string; reason: string }>;
  report_id: string | null;
  /** Fixes skipped in all (the `skipped` list is capped). */
  skipped_count?: number;
  /** True when `planned` was cut at its cap; `planned_count` is the full number. */
  planned_count?: number;
  /** Fixes planned per category, in all (the dry run's counts the console previews). */
  planned_by_category?: Partial<Record<DivergenceCategory, number>>;
  /**
   * Set when a fix failed and the repair stopped there (Redis out of memory, unreachable, ...): the
   * failing job, whose copies are as they were (null when the report could not be read on between
   * fixes), and the error. The `applied` fixes are written and kept; the fixes after it were not
   * tried. Run a check and repair again to finish.
   */
  stopped?: { job_id: string | null; error: ApiError };
  /**
   * Fixes whose reply was lost after they were sent (dropped connection, timeout): each may or may
   * not have been applied (error.details.outcome "unknown"); a new check tells. Capped like `skipped`.
   */
  unknown?: Array<{ job_id: string; error: ApiError }>;
  /** Fixes of unknown outcome in all. */
  unknown_count?: number;
}

const categoryList = z.array(z.enum(DIVERGENCE_CATEGORIES)).optional();

export interface IndexStepResult {
  /** Keys looked at by this step. */
  scanned: number;
  /** Jobs written by other producers that were in no index and now are. */
  indexed: number;
  /** True when this step finished a whole pass over the keyspace. */
  pass_complete: boolean;
  /** The workspace whose status counts were refreshed, if any. */
  recounted: string | null;
}

export const divergenceOperations = {
  indexStep: operation<IndexStepResult>()({
    summary:
      'One bounded step of indexing without a host: file jobs other producers wrote into their workspace index.',
    // It files jobs into Queuescope's own index keys, so a read-only connection must refuse it.
    writes: true,
    input: z.object({ steps: z.number().int().min(1).max(100).default(4) }).default({ steps: 4 }),
  }),
  divergenceCheck: operation<DivergenceReport>()({
    summary: 'Compare both schemas (both directions), classify every job, and keep the report.',
    writes: false,
    longRunning: true,
    input: z
      .object({
        workspace_id: workspaceId.optional(),
        resume: z.boolean().optional(),
        /** The interrupted check to resume (default: the scope's latest). */
        report_id: z.string().min(1).max(100).optional(),
      })
      .default({}),
  }),
  repair: operation<RepairResult>()({
    summary:
      'Make both copies equal from the old schema (compare-and-set per job); dry_run only plans.',
    writes: true,
    longRunning: true,
    input: z.object({
      workspace_id: workspaceId.optional(),
      report_id: z.string().max(100).optional(),
      categories: categoryList,
      /** Backfill: repair restricted to missing_in_new and awaiting_backfill. */
      backfill: z.boolean().optional(),
      dry_run: z.boolean().default(false),
      actor_id: actorId,
    }),
  }),
  divergenceReports: operation<DivergenceReport[]>()({
    summary: 'Kept divergence reports, newest first (items omitted), for the trend.',
    writes: false,
    input: z.object({ limit: z.number().int().min(1).max(500).default(50) }).default({ limit: 50 }),
  }),
  divergenceReport: operation<DivergenceReport | null>()({
    summary: 'One kept divergence report with its items.',
    writes: false,
    input: z.object({ id: z.string().min(1).max(100) }),
  }),
};
