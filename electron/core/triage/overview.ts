import type { DivergenceReport, FlagValue, Overview } from '../../../shared/contract';
import { DIVERGENCE_CATEGORIES } from '../../../shared/contract/names';
import type { CoreContext } from '../context';
import { listWorkspaces } from '../jobs/list';
import { readFlag } from '../jobs/read-job';
import { keys } from '../keys';
import { flagHistoryKey } from '../migration/flags';
import { listReports } from '../migration/report-store';
import { MINUTE_MS, QUEUE_DEPTH_FIELD, readSteps } from '../telemetry/metric-buckets';

/** Flag changes read to find when the flag took its value: a few repeats of one value at most. */
const HISTORY_TAIL = 50;

/**
 * The migration at a glance (docs/triage.md, "Overview"), gathered from what is already kept:
 * the workspace registry and its kept counts (listWorkspaces), the flag and the tail of its
 * history, the newest report, and the last 15 minutes of metric buckets. A fixed number of
 * reads per workspace, never a keyspace walk, and no write but the kept counts listWorkspaces
 * refreshes.
 */
export async function overview(ctx: CoreContext): Promise<Overview> {
  const [workspaces, flag, history, reports, dualWrite, queueDepth] = await Promise.all([
    listWorkspaces(ctx),
    readFlag(ctx),
    // On a cluster the history sits beside the flag (docs/topologies.md "Cluster writes").
    ctx.redis.zrange(flagHistoryKey(ctx.redis), String(-HISTORY_TAIL), '-1'),
    listReports(ctx, 1),
    lastQuarterHour(ctx),
    ctx.redis.llen(keys.queue),
  ]);
  let oldJobs = 0;
  let newJobs = 0;
  for (const ws of workspaces) {
    oldJobs += total(ws.old);
    newJobs += total(ws.new);
  }
  return {
    flag: {
      value: flag.value,
      source: flag.source,
      since: flag.source === 'redis' ? flagSince(history, flag.value) : null,
    },
    coverage: { old_jobs: oldJobs, new_jobs: newJobs, share: coverageShare(oldJobs, newJobs) },
    last_check: reports[0] ? checkSummary(reports[0]) : null,
    dual_write: dualWrite,
    queue_depth: queueDepth,
    workspaces,
    read_at: Date.now(),
  };
}

/**
 * Dual-write attempts of the last 15 minute buckets, every workspace. Read only: unlike the metrics
 * screen's read, it records no queue-depth sample, so an overview left open writes nothing.
 */
async function lastQuarterHour(ctx: CoreContext): Promise<Overview['dual_write']> {
  await ctx.failures.flush(ctx.redis);
  const now = Date.now();
  const last = now - (now % MINUTE_MS);
  const starts = Array.from({ length: 15 }, (_, i) => last - (14 - i) * MINUTE_MS);
  let succeeded = 0;
  let failed = 0;
  for (const hash of await readSteps(ctx, starts, MINUTE_MS, now)) {
    for (const [field, value] of Object.entries(hash)) {
      if (field === QUEUE_DEPTH_FIELD) continue;
      if (field.endsWith('|succeeded')) succeeded += Number(value) || 0;
      else if (field.endsWith('|failed')) failed += Number(value) || 0;
    }
  }
  const attempts = succeeded + failed;
  return { window: '15m', succeeded, failed, failure_rate: attempts ? failed / attempts : 0 };
}

function total(c: {
  pending: number;
  running: number;
  completed: number;
  failed: number;
  other: number;
}) {
  return c.pending + c.running + c.completed + c.failed + c.other;
}

/** New copies per old copy, capped at 1; a Redis with no old copies is covered when it has new ones. */
export function coverageShare(oldJobs: number, newJobs: number): number {
  if (oldJobs === 0) return newJobs > 0 ? 1 : 0;
  return Math.min(1, newJobs / oldJobs);
}

/**
 * When the flag took its current value: the first change of the newest run of changes to that
 * value (setting "on" twice does not move it). Null when the newest recorded change is to the
 * other value: the key was then changed without a record, so the history cannot tell.
 */
export function flagSince(members: string[], current: FlagValue): number | null {
  let since: number | null = null;
  for (let i = members.length - 1; i >= 0; i--) {
    const [value, at] = members[i]!.split(':');
    if (value !== current) break;
    since = Number(at);
  }
  return since !== null && Number.isFinite(since) ? since : null;
}

function checkSummary(report: DivergenceReport): NonNullable<Overview['last_check']> {
  const divergent = DIVERGENCE_CATEGORIES.filter((c) => c !== 'awaiting_backfill').reduce(
    (n, c) => n + (report.counts[c] ?? 0),
    0,
  );
  return {
    id: report.id,
    state: report.state,
    workspace_id: report.workspace_id,
    started_at: report.started_at,
    finished_at: report.finished_at,
    divergent,
    awaiting_backfill: report.counts.awaiting_backfill ?? 0,
    in_sync: report.in_sync,
  };
}
