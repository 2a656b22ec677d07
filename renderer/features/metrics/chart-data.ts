import type { MetricsReport } from '../../../shared/contract';
import { flagPeriods, type FlagPeriods } from './flag-periods';

export interface ChartSeries {
  /**
   * The middle of each step, epoch seconds (uPlot's x unit): a step's bar stands over the time it
   * covers, so a flag change or the current minute lands where it happened.
   */
  x: number[];
  /** The x range drawn: the first step's start to the last step's end. */
  range: [number, number];
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
  /** When dual-write was off, and the flag's changes, over the chart's range. */
  flag: FlagPeriods;
}

/** Turns a metrics report into the aligned arrays the charts draw. */
export function toChartSeries(report: MetricsReport): ChartSeries {
  const points = report.points;
  const stepMs = points.length > 1 ? points[1]!.minute - points[0]!.minute : 60_000;
  const stepMinutes = Math.max(1, Math.round(stepMs / 60_000));
  const perMinute = (n: number) => n / stepMinutes;
  const x = points.map((p) => (p.minute + stepMs / 2) / 1000);
  const range: [number, number] = [
    (points[0]?.minute ?? 0) / 1000,
    ((points.at(-1)?.minute ?? 0) + stepMs) / 1000,
  ];
  const flag = flagPeriods(report.flag, range[0], range[1]);
  return {
    x,
    range,
    succeeded: points.map((p) => perMinute(p.succeeded)),
    failed: points.map((p) => perMinute(p.failed)),
    total: points.map((p) => perMinute(p.succeeded + p.failed)),
    failureRate: points.map((p) =>
      p.succeeded + p.failed === 0 ? null : (100 * p.failed) / (p.succeeded + p.failed),
    ),
    depth: points.map((p) => (p.queue_depth === undefined ? null : p.queue_depth)),
    stepMinutes,
    flag,
  };
}

export function formatPercent(rate: number): string {
  return `${(rate * 100).toFixed(rate > 0 && rate < 0.001 ? 3 : 1)} %`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}
