import { Registry, Counter } from 'prom-client';
import type { MetricPoint, MetricsReport, MetricWindow } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys, minuteOf } from '../keys';

const WINDOW_MINUTES: Record<MetricWindow, number> = {
  '15m': 15,
  '1h': 60,
  '6h': 360,
  '24h': 1440,
  '7d': 10080,
};

/** Dual-write attempts per minute from the shared Redis buckets, so every producer's attempts count. */
export async function readMetrics(
  ctx: CoreContext,
  window: MetricWindow,
  workspaceId?: string,
  now = Date.now(),
): Promise<MetricsReport> {
  await ctx.failures.flush(ctx.redis);
  const minutes = WINDOW_MINUTES[window];
  const last = minuteOf(now);
  const starts = Array.from({ length: minutes }, (_, i) => last - (minutes - 1 - i) * 60_000);
  const pipeline = ctx.redis.pipeline();
  for (const minute of starts) pipeline.hgetall(keys.metricsBucket(minute));
  pipeline.llen(keys.queue);
  const replies = (await pipeline.exec()) ?? [];
  const byWorkspace = new Map<string, { succeeded: number; failed: number }>();
  const points: MetricPoint[] = starts.map((minute, i) => {
    const [error, hash] = replies[i] ?? [null, {}];
    const point = { minute, succeeded: 0, failed: 0 };
    if (error) return point;
    for (const [field, count] of Object.entries((hash ?? {}) as Record<string, string>)) {
      const sep = field.lastIndexOf('|');
      const ws = field.slice(0, sep);
      const status = field.slice(sep + 1);
      if ((workspaceId && ws !== workspaceId) || (status !== 'succeeded' && status !== 'failed'))
        continue;
      const n = Number(count) || 0;
      point[status] += n;
      const totals = byWorkspace.get(ws) ?? { succeeded: 0, failed: 0 };
      totals[status] += n;
      byWorkspace.set(ws, totals);
    }
    return point;
  });
  const succeeded = points.reduce((s, p) => s + p.succeeded, 0);
  const failed = points.reduce((s, p) => s + p.failed, 0);
  const depthReply = replies[starts.length];
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
    queue_depth: depthReply && !depthReply[0] ? Number(depthReply[1]) : 0,
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
