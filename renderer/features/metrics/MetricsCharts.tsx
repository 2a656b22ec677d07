import { useMemo } from 'react';
import uPlot from 'uplot';
import { themeColor, UPlotChart } from '../../ui/UPlotChart';
import type { ChartSeries } from './chart-data';

const HEIGHT = 220;

function axes(unit: string): uPlot.Axis[] {
  const stroke = themeColor('--muted', '#6b7280');
  const grid = { stroke: themeColor('--grid', 'rgba(128,128,128,0.18)'), width: 1 };
  return [
    { stroke, grid, ticks: grid },
    { stroke, grid, ticks: grid, label: unit, labelSize: 18, size: 56 },
  ];
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
  const unit = series.stepMinutes > 1 ? `per min (avg of ${series.stepMinutes} min)` : 'per min';
  return (
    <UPlotChart
      label="Dual-write attempts per minute, succeeded and failed stacked"
      optionsKey={`attempts-${series.stepMinutes}`}
      data={data}
      options={() => ({
        height: HEIGHT,
        legend: { live: true },
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
        axes: axes(unit),
        series: [
          {},
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
  return (
    <UPlotChart
      label="Dual-write failure rate"
      optionsKey={`failure-rate-${series.x.length}`}
      data={data}
      options={() => ({
        height: HEIGHT,
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(5, Math.min(100, max * 1.2))] } },
        axes: axes('% failed'),
        series: [
          {},
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
  return (
    <UPlotChart
      label="Queue depth over time"
      optionsKey="queue-depth"
      data={data}
      options={() => ({
        height: HEIGHT,
        cursor: { drag: { x: false, y: false } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(5, max * 1.15)] } },
        axes: axes('jobs pending'),
        series: [
          {},
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
