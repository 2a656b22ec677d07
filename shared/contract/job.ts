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
}

export type Schema = 'old' | 'new';

export type SyncState =
  | { state: 'in_sync' }
  | { state: 'missing_in_new' }
  | { state: 'missing_in_old' }
  | { state: 'mismatch'; fields: string[] }
  | { state: 'workspace_mismatch'; old_workspace: string };
