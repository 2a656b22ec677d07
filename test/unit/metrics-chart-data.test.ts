import { describe, expect, it } from 'vitest';
import type { MetricsReport } from '../../shared/contract';
import { formatPercent, toChartSeries } from '../../renderer/features/metrics/chart-data';

const report = (points: MetricsReport['points']): MetricsReport => ({
  window: '7d',
  workspace_id: null,
  points,
  succeeded: 0,
  failed: 0,
  failure_rate: 0,
  by_workspace: [],
  queue_depth: 0,
});

describe('metrics chart data', () => {
  it('shows coarse steps as attempts per minute and leaves unsampled depth as gaps', () => {
    const hour = 3_600_000;
    const series = toChartSeries(
      report([
        { minute: 0, succeeded: 120, failed: 60, queue_depth: 7 },
        { minute: hour, succeeded: 0, failed: 0 },
      ]),
    );
    expect(series.stepMinutes).toBe(60);
    // Each step is drawn over the time it covers: x is its middle, the range its whole span.
    expect(series.x).toEqual([1800, 5400]);
    expect(series.range).toEqual([0, 7200]);
    expect(series.succeeded).toEqual([2, 0]);
    expect(series.failed).toEqual([1, 0]);
    expect(series.total).toEqual([3, 0]);
    expect(series.failureRate[0]).toBeCloseTo(100 / 3);
    expect(series.failureRate[1]).toBeNull();
    expect(series.depth).toEqual([7, null]);
  });

  it('keeps minute steps as they are', () => {
    const series = toChartSeries(
      report([
        { minute: 60_000, succeeded: 5, failed: 0 },
        { minute: 120_000, succeeded: 1, failed: 1 },
      ]),
    );
    expect(series.stepMinutes).toBe(1);
    expect(series.total).toEqual([5, 2]);
    expect(series.failureRate).toEqual([0, 50]);
  });

  it('formats rates with a visible figure for tiny non-zero rates', () => {
    expect(formatPercent(0)).toBe('0.0 %');
    expect(formatPercent(0.2)).toBe('20.0 %');
    expect(formatPercent(0.0004)).toBe('0.040 %');
  });
});
