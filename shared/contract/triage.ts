import { z } from 'zod';
import type { DivergenceReport } from './divergence';
import { actorId, describe, legacyId, workspaceId } from './ids';
import type { FlagValue } from './migration';
import { operation } from './operation';
import type { WorkspaceSummary } from './jobs';

/** The migration at a glance (docs/triage.md, "Overview"). */
export interface Overview {
  flag: {
    value: FlagValue;
    source: 'redis' | 'env';
    /**
     * When the flag took its current value, from `ai:qs:flag:history` (Redis TIME, ms); null when
     * the history does not say (the key was never set through Queuescope, or was set by hand).
     */
    since: number | null;
  };
  /** Jobs in each schema over all workspaces, and new copies per old copy (capped at 1). */
  coverage: { old_jobs: number; new_jobs: number; share: number };
  /** The newest kept divergence report (items omitted), null before the first check. */
  last_check: {
    id: string;
    state: DivergenceReport['state'];
    workspace_id: string | null;
    started_at: string;
    finished_at: string | null;
    /** Divergent jobs: every category but awaiting_backfill. */
    divergent: number;
    awaiting_backfill: number;
    in_sync: number;
  } | null;
  /** Dual-write attempts of the last 15 minutes. */
  dual_write: { window: '15m'; succeeded: number; failed: number; failure_rate: number };
  /** Length of ai:queue:pending now. */
  queue_depth: number;
  /** Every workspace with its counts per schema and its divergent jobs (last whole check). */
  workspaces: WorkspaceSummary[];
  /** When the overview was read (this host's clock, ms). */
  read_at: number;
}

export interface FoundJob {
  job_id: string;
  /** The workspace to open it in: the old copy's workspace_id, else the new key's. */
  workspace_id: string | null;
  status: string | null;
  in_old: boolean;
  /** Workspaces whose new key holds a copy (normally one). */
  new_in: string[];
}

export interface FindJobResult {
  query: string;
  /** Jobs whose id is the query or contains it (any case), exact match first, capped at `limit`. */
  matches: FoundJob[];
  /** True when a job with exactly this id exists; it is matches[0]. */
  exact: boolean;
  /** True when the answer is known to be the only job: an exact id, or a finished search with one match. */
  unique: boolean;
  /** True when the search looked at every key (or stopped at an exact id, or at more than `limit` matches). */
  complete: boolean;
  /** Keys looked at so far (over every call of one search), and the keyspace's size when it started. */
  scanned: number;
  keyspace: number;
  /** Pass it back to go on where this call stopped (null when complete). */
  cursor: string | null;
  /** More than `limit` jobs matched; refine the query. */
  truncated: boolean;
}

export interface QueueEntry {
  /** 0-based position from the head (the next job a worker pops is 0). */
  position: number;
  job_id: string;
  /** From the old copy (else null: an orphan entry, or a job only in the new schema). */
  workspace_id: string | null;
  status: string | null;
  action: string;
  enqueued_at: string | null;
  attempts: number;
  /** No old copy was found for this entry. */
  missing: boolean;
}

export interface QueuePage {
  /** LLEN of ai:queue:pending when read. */
  total: number;
  offset: number;
  entries: QueueEntry[];
  /** Where job_id (when asked) first appears, 0-based; null when it is not among the first 50,000 entries. */
  job_position?: number | null;
}

export interface RemoveFromQueueResult {
  job_id: string;
  workspace_id: string | null;
  /** Entries of the id taken out of ai:queue:pending (every one among the first 50,000). */
  removed: number;
  /** Entries of a longer queue beyond those 50,000, not searched (docs/triage.md). */
  beyond_reach: number;
  /** The job's status before, and after (a pending job is marked failed; others are left as they are). */
  status_before: string | null;
  status_after: string | null;
}

/** Free text that is searched for, never used as a key or a pattern as is. */
const searchText = legacyId('query');

export const triageOperations = {
  overview: operation<Overview>()({
    summary:
      'The migration at a glance: flag and since when, coverage, the last check, dual-write failures (15 m), queue depth, every workspace.',
    writes: false,
    input: z.object({}).optional(),
  }),
  findJob: operation<FindJobResult>()({
    summary:
      'Find a job by its id or a unique part of it, in any workspace, including jobs no index knows (bounded steps).',
    writes: false,
    input: z.object({
      query: searchText,
      /** From a previous call that was not complete (it carries the ids found so far). */
      cursor: z.string().max(40_000).optional(),
      /** Time this call may spend walking keys (ms). */
      budget_ms: z
        .number({ error: (i) => `budget_ms must be a number (got ${describe(i.input)})` })
        .int()
        .min(50, { error: 'budget_ms must be at least 50' })
        .max(30_000, { error: 'budget_ms must be at most 30000' })
        .optional(),
      limit: z.number().int().min(1).max(100).optional(),
    }),
  }),
  queuePage: operation<QueuePage>()({
    summary:
      'A page of the pending queue from its head, each entry with its job, workspace and status.',
    writes: false,
    input: z
      .object({
        offset: z
          .number({ error: (i) => `offset must be a number (got ${describe(i.input)})` })
          .int({ error: 'offset must be a whole number' })
          .min(0, { error: 'offset must be 0 or more' })
          .default(0),
        limit: z
          .number({ error: (i) => `limit must be a number (got ${describe(i.input)})` })
          .int({ error: 'limit must be a whole number' })
          .min(1, { error: 'limit must be at least 1' })
          .max(500, { error: 'limit must be at most 500' })
          .default(50),
        /** Also say where this job is in the queue. */
        job_id: legacyId('job_id').optional(),
      })
      .default({ offset: 0, limit: 50 }),
  }),
  removeFromQueue: operation<RemoveFromQueueResult>()({
    summary:
      'Take a poison job out of the pending queue (every entry of its id); a pending job is marked failed with the reason (audited).',
    writes: true,
    input: z.object({
      job_id: legacyId('job_id'),
      workspace_id: workspaceId.optional(),
      reason: z
        .string({ error: (i) => `reason must be a string (got ${describe(i.input)})` })
        .trim()
        .min(1, { error: 'reason must not be empty: say why the job is taken out of the queue' })
        .max(1000, { error: 'reason must be at most 1000 characters' }),
      actor_id: actorId,
    }),
  }),
};
