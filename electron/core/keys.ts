/**
 * Every Redis key Queuescope reads or writes, built in one place (docs/architecture.md, "Keys").
 * Documented in the README's "Redis keys" table; keep the two in step.
 */
export const keys = {
  oldJob: (jobId: string) => `ai:jobs:${jobId}`,
  newJob: (workspaceId: string, jobId: string) => `ai:job:${workspaceId}:${jobId}`,
  queue: 'ai:queue:pending',
  idempotency: (workspaceId: string, requestId: string) =>
    `ai:idempotency:${workspaceId}:${requestId}`,
  flag: 'ai:flags:new_schema',

  /** Set of every workspace id Queuescope has seen. */
  workspaces: 'ai:qs:workspaces',
  /** Sorted set of a workspace's job ids scored by enqueue time (ms). */
  workspaceIndex: (workspaceId: string) => `ai:qs:idx:${workspaceId}`,
  /** Per-minute dual-write attempt counts, hash "{ws}|succeeded" / "{ws}|failed". */
  metricsBucket: (minuteMs: number) => `ai:qs:dw:${minuteMs}`,
  /** Taken (SET NX) by the one host that samples the queue depth in a minute, docs/connection.md. */
  depthSampleLock: (minuteMs: number) => `ai:qs:depth-lock:${minuteMs}`,
  /** Dual-write attempts summed over a coarser step (and the max queue depth), for long windows. */
  metricsRollup: (stepMs: number, startMs: number) => `ai:qs:dwr:${stepMs / 60_000}m:${startMs}`,
  /** All-time dual-write attempt totals (Prometheus counters), same fields as a bucket. */
  metricsTotal: 'ai:qs:dw:total',
  /** Stream of operator actions. */
  audit: 'ai:qs:audit',
  /** Sorted set of flag changes: member "{on|off}:{ms}", score ms; tells jobs enqueued while the flag was off. */
  flagHistory: 'ai:qs:flag:history',
  /** List of kept divergence report ids, newest first (bounded). */
  divergenceReports: 'ai:qs:div:reports',
  /** A divergence report (JSON string, items omitted). */
  divergenceReport: (reportId: string) => `ai:qs:div:report:${reportId}`,
  /** List of a report's divergent jobs (JSON per item), settled after re-check. */
  divergenceItems: (reportId: string) => `ai:qs:div:items:${reportId}`,
  /** Working lists of a running check: suspects to re-check, and jobs awaiting backfill. */
  divergenceSuspects: (reportId: string, round: number) =>
    `ai:qs:div:suspects:${reportId}:${round}`,
  divergenceAwaiting: (reportId: string) => `ai:qs:div:awaiting:${reportId}`,
  /** Hash of what repairs from a report did to its items, "{category}|{job}|{key}" -> JSON mark. */
  divergenceRepaired: (reportId: string) => `ai:qs:div:repaired:${reportId}`,
  /** Saved cursor of a running or interrupted check, per scope ("*" or a workspace id). */
  divergenceCheckpoint: (scope: string) => `ai:qs:div:checkpoint:${scope}`,
  /** Saved SCAN cursor of the background indexer that files foreign producers' jobs. */
  indexScanCursor: 'ai:qs:idx-scan:cursor',
  /** Per-workspace status counts per schema, hash "{old|new}:{status}" -> count, kept by the indexer. */
  workspaceCounts: (workspaceId: string) => `ai:qs:counts:${workspaceId}`,
  /** A large job's repaired copy while it is built in steps (hash with a TTL), docs/repair.md. */
  repairStaging: (jobId: string) => `ai:qs:repair:stage:${jobId}`,
} as const;

export const OLD_JOB_PREFIX = 'ai:jobs:';
export const NEW_JOB_PREFIX = 'ai:job:';
export const IDEMPOTENCY_PREFIX = 'ai:idempotency:';

/** The workspace and job id of a new-schema key `ai:job:{ws}:{id}` (null for any other key). */
export function parseNewJobKey(key: string): { workspaceId: string; jobId: string } | null {
  if (!key.startsWith(NEW_JOB_PREFIX)) return null;
  const rest = key.slice(NEW_JOB_PREFIX.length);
  const sep = rest.indexOf(':');
  if (sep <= 0) return null;
  return { workspaceId: rest.slice(0, sep), jobId: rest.slice(sep + 1) };
}

/** Start of the minute holding `ms`, the id of a metrics bucket. */
export function minuteOf(ms: number): number {
  return ms - (ms % 60_000);
}
