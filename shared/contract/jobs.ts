import { z } from 'zod';
import type { ApiError } from './errors';
import {
  actionName,
  actionProvider,
  actorId,
  clientRequestId,
  describe,
  jobId,
  jobStatus,
  jsonObject,
  legacyId,
  shortText,
  workspaceId,
} from './ids';
import type { Job, Schema, SyncState } from './job';
import { operation } from './operation';

export const enqueueInput = z.object({
  workspace_id: workspaceId,
  action_provider: actionProvider,
  action_name: actionName,
  actor_id: actorId,
  params: jsonObject('params').optional(),
  client_request_id: clientRequestId.optional(),
  job_id: jobId.optional(),
});
export type EnqueueInput = z.input<typeof enqueueInput>;

export type EnqueueOutcome = { outcome: 'enqueued' | 'duplicate'; job_id: string };
export type EnqueueManyItem = EnqueueOutcome | { outcome: 'error'; error: ApiError };

export const MAX_BULK = 1000;

export interface StatusCounts {
  pending: number;
  running: number;
  completed: number;
  failed: number;
  other: number;
}

export interface WorkspaceSummary {
  workspace_id: string;
  old: StatusCounts;
  new: StatusCounts;
  /** Jobs whose two copies differ, from the last divergence check (undefined when none ran). */
  divergent?: number;
  /**
   * Set while a big workspace's counts are not known yet: they are being counted in the background
   * and `old`/`new` are zeros until then. Absent once the counts are known (which may be slightly
   * stale for a big workspace; they are refreshed in the background).
   */
  counting?: true;
}

export interface JobRow {
  job_id: string;
  action: string;
  actor: string;
  old_status: string | null;
  new_status: string | null;
  enqueued_at: string | null;
  started_at: string | null;
  finished_at: string | null;
  attempts: number;
  sync: SyncState;
  /** A failed job's error in one line, from its result (`error`, `message`, ...): docs/triage.md. */
  error?: string;
}

export interface JobPage {
  rows: JobRow[];
  next_cursor: string | null;
  /** Jobs in the workspace's index (before filters). */
  total: number;
  /**
   * With action/actor/id filters: how many index entries, newest first, have been searched so far
   * (each call searches a bounded number; docs/triage.md).
   */
  searched?: number;
}

const limit = z
  .number({ error: (i) => `limit must be a number (got ${describe(i.input)})` })
  .int({ error: 'limit must be a whole number' })
  .min(1, { error: 'limit must be at least 1' })
  .max(1000, { error: 'limit must be at most 1000' });

/**
 * listJobs' cursor: the next_cursor of the previous page, a whole number of jobs from the newest.
 * Anything else ("1.5", "-5", "-1e20", "abc") is refused rather than read as some other page
 * (docs/doors.md "Hostile input").
 */
const pageCursor = z
  .string({ error: (i) => `cursor must be a string (got ${describe(i.input)})` })
  .regex(/^(0|[1-9][0-9]{0,14})$/, {
    error: (i) =>
      `cursor must be the next_cursor of a previous page, a whole number from 0 (got ${describe(i.input)})`,
  });

export const jobOperations = {
  enqueue: operation<EnqueueOutcome>()({
    summary:
      'Enqueue one job (idempotent per client_request_id), dual-writing when the flag is on.',
    writes: true,
    input: enqueueInput,
  }),
  enqueueMany: operation<{ results: EnqueueManyItem[] }>()({
    summary: 'Enqueue many jobs in few script calls; each job gets its own outcome.',
    writes: true,
    input: z.object({
      jobs: z
        .array(z.unknown(), { error: 'jobs must be an array' })
        .min(1, { error: 'jobs must not be empty' })
        .max(MAX_BULK, { error: `jobs must hold at most ${MAX_BULK} jobs per call` }),
    }),
  }),
  updateStatus: operation<Job>()({
    summary:
      'Move a job to a new status in both schemas at once (force overrides the transition rules).',
    writes: true,
    input: z.object({
      job_id: jobId,
      status: jobStatus,
      workspace_id: workspaceId.optional(),
      result: jsonObject('result').optional(),
      force: z.boolean().optional(),
      reason: z.string().max(1000, { error: 'reason must be at most 1000 characters' }).optional(),
      actor_id: actorId.optional(),
    }),
  }),
  getJob: operation<{ job: Job; source: Schema } | null>()({
    summary:
      'Read a job: the new copy while dual-write is on (falling back to the old), else the old.',
    writes: false,
    input: z.object({
      job_id: legacyId('job_id'),
      workspace_id: legacyId('workspace_id').optional(),
    }),
  }),
  inspectJob: operation<{
    old: Job | null;
    new: Job | null;
    differences: string[];
    /** Set when the new copy is missing because the job went in while dual-write was off. */
    awaiting_backfill?: boolean;
  }>()({
    summary: 'Both copies of a job side by side with the fields that differ.',
    writes: false,
    input: z.object({ job_id: legacyId('job_id'), workspace_id: legacyId('workspace_id') }),
  }),
  retry: operation<Job>()({
    summary: 'Requeue a failed job (once, however often it is clicked).',
    writes: true,
    input: z.object({ job_id: jobId, workspace_id: workspaceId, actor_id: actorId }),
  }),
  listWorkspaces: operation<WorkspaceSummary[]>()({
    summary: 'Every workspace with job counts per status in each schema.',
    writes: false,
    input: z.object({}).optional(),
  }),
  listJobs: operation<JobPage>()({
    summary: "A workspace's jobs, newest first, each joined across both schemas.",
    writes: false,
    input: z.object({
      workspace_id: workspaceId,
      status: jobStatus.optional(),
      action: shortText('action').optional(),
      actor: shortText('actor').optional(),
      job_id_prefix: z.string().max(128).optional(),
      cursor: pageCursor.optional(),
      limit: limit.optional(),
    }),
  }),
};
