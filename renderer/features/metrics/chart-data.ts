import type { MetricsReport } from '../../../shared/contract';

export interface ChartSeries {
  /** Step starts, epoch seconds (uPlot's x unit). */
  x: number[];
  /** Attempts per minute in each step (a step longer than a minute is averaged). */
  succeeded: number[];
  failed: number[];
  /** succeeded + failed: the top of the stacked bar. */
  total: number[];
  /** Failed share of the step's attempts in percent, null for a step without attempts. */
  failureRate: Array<number | null>;
  /** Sampled queue length, null where nobody sampled it. */
  depth: Array<number | null>;
  stepMinutes: number;
}

/** Turns a metrics report into the aligned arrays the charts draw. */
export function toChartSeries(report: MetricsReport): ChartSeries {
  const points = report.points;
  const stepMs = points.length > 1 ? points[1]!.minute - points[0]!.minute : 60_000;
  const stepMinutes = Math.max(1, Math.round(stepMs / 60_000));
  const perMinute = (n: number) => n / stepMinutes;
  return {
    x: points.map((p) => p.minute / 1000),
    succeeded: points.map((p) => perMinute(p.succeeded)),
    failed: points.map((p) => perMinute(p.failed)),
    total: points.map((p) => perMinute(p.succeeded + p.failed)),
    failureRate: points.map((p) =>
      p.succeeded + p.failed === 0 ? null : (100 * p.failed) / (p.succeeded + p.failed),
    ),
    depth: points.map((p) => (p.queue_depth === undefined ? null : p.queue_depth)),
    stepMinutes,
  };
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)} %`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
