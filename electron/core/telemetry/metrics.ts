import { Registry, Counter } from 'prom-client';
import type { MetricPoint, MetricsReport, MetricWindow } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { readFlag } from '../jobs/read-job';
import { keys } from '../keys';
import { flagAt, readFlagHistory } from '../migration/flags';
import { MINUTE_MS, QUEUE_DEPTH_FIELD, readSteps, sampleQueueDepth } from './metric-buckets';

/** Each window's span and step: minute points up to 1 h, coarser rollups beyond, ~100–170 points at most. */
const WINDOWS: Record<MetricWindow, { minutes: number; stepMinutes: number }> = {
  '15m': { minutes: 15, stepMinutes: 1 },
  '1h': { minutes: 60, stepMinutes: 1 },
  '6h': { minutes: 360, stepMinutes: 5 },
  '24h': { minutes: 1440, stepMinutes: 15 },
  '7d': { minutes: 10080, stepMinutes: 60 },
};

/**
 * Dual-write attempts per step from the shared Redis buckets, so every producer's attempts count.
 * A point's `minute` is the start of its step; steps are one minute for 15m/1h, coarser beyond.
 */
export async function readMetrics(
  ctx: CoreContext,
  window: MetricWindow,
  workspaceId?: string,
  now = Date.now(),
): Promise<MetricsReport> {
  await ctx.failures.flush(ctx.redis);
  const { minutes, stepMinutes } = WINDOWS[window];
  const stepMs = stepMinutes * MINUTE_MS;
  const lastStep = now - (now % stepMs);
  const count = minutes / stepMinutes;
  const starts = Array.from({ length: count }, (_, i) => lastStep - (count - 1 - i) * stepMs);
  const depth = await ctx.redis.llen(keys.queue).catch(() => null);
  if (depth !== null) await sampleQueueDepth(ctx, depth, now);
  const [hashes, flag] = await Promise.all([
    readSteps(ctx, starts, stepMs, now),
    flagOverWindow(ctx, starts[0]!, now),
  ]);
  const byWorkspace = new Map<string, { succeeded: number; failed: number }>();
  const points: MetricPoint[] = starts.map((minute, i) => {
    const point: MetricPoint = { minute, succeeded: 0, failed: 0 };
    for (const [field, value] of Object.entries(hashes[i]!)) {
      if (field === QUEUE_DEPTH_FIELD) {
        point.queue_depth = Number(value) || 0;
        continue;
      }
      const sep = field.lastIndexOf('|');
      const ws = field.slice(0, sep);
      const status = field.slice(sep + 1);
      if ((workspaceId && ws !== workspaceId) || (status !== 'succeeded' && status !== 'failed'))
        continue;
      const n = Number(value) || 0;
      point[status] += n;
      const totals = byWorkspace.get(ws) ?? { succeeded: 0, failed: 0 };
      totals[status] += n;
      byWorkspace.set(ws, totals);
    }
    return point;
  });
  if (depth !== null) points[points.length - 1]!.queue_depth = depth;
  const succeeded = points.reduce((s, p) => s + p.succeeded, 0);
  const failed = points.reduce((s, p) => s + p.failed, 0);
  return {
    window,
    workspace_id: workspaceId ?? null,
    points,
    succeeded,
    failed,
    failure_rate: succeeded + failed === 0 ? 0 : failed / (succeeded + failed),
    by_workspace: [...byWorkspace]
      .map(([ws, t]) => ({ workspace_id: ws, ...t }))
      .sort((a, b) => a.workspace_id.localeCompare(b.workspace_id)),
    queue_depth: depth ?? 0,
    flag,
  };
}

/** The flag at the window's start and its changes within it, from the history (flags.ts flagAt). */
async function flagOverWindow(
  ctx: CoreContext,
  fromMs: number,
  toMs: number,
): Promise<NonNullable<MetricsReport['flag']>> {
  const [history, current] = await Promise.all([readFlagHistory(ctx), readFlag(ctx)]);
  return {
    at_start: flagAt(history, current.value, fromMs),
    changes: history
      .filter((change) => change.at > fromMs && change.at <= toMs)
      .map(({ at, value }) => ({ at, value })),
  };
}

/** ai_jobs_dual_write_attempts_total{workspace_id,status} from the all-time totals hash. */
export async function prometheusText(ctx: CoreContext): Promise<string> {
  await ctx.failures.flush(ctx.redis);
  const totals = await ctx.redis.hgetall(keys.metricsTotal);
  const registry = new Registry();
  const counter = new Counter({
    name: 'ai_jobs_dual_write_attempts_total',
    help: 'Dual-write attempts (old + new schema) per workspace and outcome.',
    labelNames: ['workspace_id', 'status'] as const,
    registers: [registry],
  });
  for (const [field, count] of Object.entries(totals)) {
    const sep = field.lastIndexOf('|');
    counter.inc(
      { workspace_id: field.slice(0, sep), status: field.slice(sep + 1) },
      Number(count) || 0,
    );
  }
  return registry.metrics();
}
