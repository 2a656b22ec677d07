import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import { timeLegend, timeTicks } from '../../ui/chart-time';
import { themeColor, UPlotChart } from '../../ui/UPlotChart';
import type { ChartSeries } from './chart-data';
import { flagPlugin } from './flag-plugin';

const HEIGHT = 220;

/** The x of the legend: the start of the step under the cursor. */
const stepStart = (stepMinutes: number) => timeLegend((stepMinutes * 60) / 2);

function axes(unit: string): uPlot.Axis[] {
  const stroke = themeColor('--muted', '#6b7280');
  const grid = { stroke: themeColor('--grid', 'rgba(128,128,128,0.18)'), width: 1 };
  return [
    { stroke, grid, ticks: grid, values: timeTicks },
    { stroke, grid, ticks: grid, label: unit, labelSize: 18, size: 56 },
  ];
}

/**
 * The x scale: each step's bar stands over the time it covers (chart-data.ts puts x at its middle),
 * so the range runs from the first step's start to the last step's end.
 */
function xScale(stepMinutes: number): uPlot.Scale {
  const half = (stepMinutes * 60) / 2;
  return { time: true, range: (_u, min, max) => [min - half, max + half] };
}

/**
 * The latest series, for the flag overlay (flag-plugin.ts) to read at each draw: a refresh
 * that moves the window or brings a flag change redraws it without rebuilding the chart.
 */
function useLatestSeries(series: ChartSeries) {
  const latest = useRef(series);
  useEffect(() => {
    latest.current = series;
  });
  return latest;
}

const succeededColor = () => themeColor('--ok', '#16a34a');
const failedColor = () => themeColor('--danger', '#dc2626');

/** Succeeded and failed attempts per minute as stacked bars: the failed bar sits on top. */
export function AttemptsChart({ series }: { series: ChartSeries }) {
  // An empty step draws nothing rather than a zero-height bar's outline.
  const data = useMemo<uPlot.AlignedData>(
    () => [series.x, series.total.map(orGap), series.succeeded.map(orGap)],
    [series],
  );
  const latest = useLatestSeries(series);
  const unit = series.stepMinutes > 1 ? `per min (avg of ${series.stepMinutes} min)` : 'per min';
  return (
    <UPlotChart
      label="Dual-write attempts per minute, succeeded and failed stacked"
      optionsKey={`attempts-${series.stepMinutes}`}
      data={data}
      options={() => ({
        height: HEIGHT,
        plugins: [flagPlugin(() => latest.current.flag)],
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: xScale(series.stepMinutes),
          y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
        },
        axes: axes(unit),
        series: [
          stepStart(series.stepMinutes),
          {
            label: 'Failed',
            fill: failedColor(),
            stroke: failedColor(),
            paths: uPlot.paths.bars!({ size: [0.8, 40] }),
            points: { show: false },
            // The drawn value is the stack's top; the legend shows the failed count itself.
            value: (u, _v, _si, idx) =>
              idx === null ? '—' : fmt((u.data[1]?.[idx] ?? 0) - (u.data[2]?.[idx] ?? 0)),
          },
          {
            label: 'Succeeded',
            fill: succeededColor(),
            stroke: succeededColor(),
            paths: uPlot.paths.bars!({ size: [0.8, 40] }),
            points: { show: false },
            value: (_u, v, _si, idx) => (idx === null ? '—' : fmt(v ?? 0)),
          },
        ],
      })}
    />
  );
}

export function FailureRateChart({ series }: { series: ChartSeries }) {
  const data = useMemo<uPlot.AlignedData>(() => [series.x, series.failureRate], [series]);
  const latest = useLatestSeries(series);
  return (
    <UPlotChart
      label="Dual-write failure rate"
      optionsKey={`failure-rate-${series.x.length}-${series.stepMinutes}`}
      data={data}
      options={() => ({
        height: HEIGHT,
        plugins: [flagPlugin(() => latest.current.flag)],
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: xScale(series.stepMinutes),
          y: { range: (_u, _min, max) => [0, Math.max(5, Math.min(100, max * 1.2))] },
        },
        axes: axes('% failed'),
        series: [
          stepStart(series.stepMinutes),
          {
            label: 'Failure rate',
            stroke: failedColor(),
            width: 2,
            spanGaps: false,
            points: { show: series.x.length <= 60, size: 4 },
            value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)} %`),
          },
        ],
      })}
    />
  );
}

export function QueueDepthChart({ series }: { series: ChartSeries }) {
  const data = useMemo<uPlot.AlignedData>(() => [series.x, series.depth], [series]);
  const latest = useLatestSeries(series);
  return (
    <UPlotChart
      label="Queue depth over time"
      optionsKey={`queue-depth-${series.stepMinutes}`}
      data={data}
      options={() => ({
        height: HEIGHT,
        plugins: [flagPlugin(() => latest.current.flag)],
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: xScale(series.stepMinutes),
          y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] },
        },
        axes: axes('jobs pending'),
        series: [
          stepStart(series.stepMinutes),
          {
            label: 'Queue depth',
            stroke: themeColor('--accent', '#2563eb'),
            fill: 'rgba(37, 99, 235, 0.12)',
            width: 2,
            spanGaps: true,
            points: { show: true, size: 4 },
            value: (_u, v) => (v === null ? '—' : fmt(v)),
          },
        ],
      })}
    />
  );
}

const orGap = (n: number) => (n === 0 ? null : n);

function fmt(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toFixed(2);
}
