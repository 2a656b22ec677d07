/**
 * The contract's plain lists, in a module that imports nothing: the renderer takes its runtime
 * values from here (and from job.ts and transport.ts), so the console's bundle carries no zod.
 */

/** Every operation of the contract; index.ts checks at compile time that it matches exactly. */
export const OPERATION_NAMES = [
  'enqueue',
  'enqueueMany',
  'updateStatus',
  'getJob',
  'inspectJob',
  'retry',
  'listWorkspaces',
  'listJobs',
  'getFlag',
  'setFlag',
  'connectionInfo',
  'indexStep',
  'divergenceCheck',
  'repair',
  'divergenceReports',
  'divergenceReport',
  'metrics',
  'metricsPrometheus',
  'audit',
  'overview',
  'findJob',
  'queuePage',
  'removeFromQueue',
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'connectProfile',
  'setWritesUnlocked',
  'startSandbox',
] as const;

/** The connection-profile operations: only the desktop app answers them (docs/desktop.md). */
export const PROFILE_OPERATION_NAMES = [
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'connectProfile',
  'setWritesUnlocked',
  'startSandbox',
] as const;

type ProfileOperation = (typeof PROFILE_OPERATION_NAMES)[number];
/** The operations the queue core answers, in the same order: every one but the profiles'. */
export const CORE_OPERATION_NAMES = OPERATION_NAMES.filter(
  (name): name is Exclude<(typeof OPERATION_NAMES)[number], ProfileOperation> =>
    !(PROFILE_OPERATION_NAMES as readonly string[]).includes(name),
);

export const JOB_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const DIVERGENCE_CATEGORIES = [
  'missing_in_new',
  /** Missing in new, but enqueued while the flag was off: legitimate until backfilled. */
  'awaiting_backfill',
  'missing_in_old',
  'mismatch',
  'workspace_mismatch',
  /** An ai:queue:pending entry whose job hash is missing. */
  'orphan_queue_entry',
  /** An idempotency key pointing to a missing job. */
  'orphan_idempotency_key',
] as const;
export type DivergenceCategory = (typeof DIVERGENCE_CATEGORIES)[number];
