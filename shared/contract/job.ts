import type { JobStatus } from './ids';

/** A job hash as read from either schema. Unknown fields are kept in `extra`, never dropped. */
export interface Job {
  job_id: string;
  status: JobStatus | string;
  action_provider?: string;
  action_name?: string;
  workspace_id?: string;
  actor_id?: string;
  /** Parsed from JSON text; the raw text is kept in `invalid_json` when it does not parse. */
  params?: unknown;
  result?: unknown;
  enqueued_at?: string;
  started_at?: string;
  finished_at?: string;
  attempts?: number;
  retried_at?: string;
  retried_by?: string;
  /** Fields whose JSON text did not parse, with their raw text. */
  invalid_json?: Record<string, string>;
  extra: Record<string, string>;
  /** Set when a write committed but the job could not be read back: what is shown is what it wrote. */
  warning?: string;
}

export type Schema = 'old' | 'new';

export type SyncState =
  | { state: 'in_sync' }
  | { state: 'missing_in_new' }
  /**
   * Missing in new, but enqueued while dual-write was off (the flag history says so, as in the
   * divergence check): no divergence, a backfill writes its new copy. `near_flip`: within the
   * allowed producer clock skew of a flip.
   */
  | { state: 'awaiting_backfill'; near_flip?: boolean }
  | { state: 'missing_in_old' }
  /**
   * A copy is missing while an enqueue of the job is still in flight on a Redis Cluster (its
   * intent is live, docs/topologies.md "Cluster enqueue"): not a divergence, the call completes
   * or rolls back.
   */
  | { state: 'in_flight' }
  | { state: 'mismatch'; fields: string[] }
  | { state: 'workspace_mismatch'; old_workspace: string };

/** A job's hash fields in the order people read them (unknown fields follow, sorted). */
export const JOB_FIELD_ORDER = [
  'job_id',
  'workspace_id',
  'status',
  'action_provider',
  'action_name',
  'actor_id',
  'params',
  'result',
  'enqueued_at',
  'started_at',
  'finished_at',
  'attempts',
  'retried_at',
  'retried_by',
] as const;

/** A row's sync state in words, the same in the console and on the command line. */
export function syncText(sync: SyncState): string {
  switch (sync.state) {
    case 'in_sync':
      return 'in sync';
    case 'missing_in_new':
      return 'missing in new';
    case 'awaiting_backfill':
      return sync.near_flip ? 'awaiting backfill (near a flag flip)' : 'awaiting backfill';
    case 'missing_in_old':
      return 'missing in old';
    case 'in_flight':
      return 'being enqueued';
    case 'mismatch':
      return `differs: ${sync.fields.join(', ')}`;
    case 'workspace_mismatch':
      return `workspace differs (old: ${sync.old_workspace})`;
  }
}
