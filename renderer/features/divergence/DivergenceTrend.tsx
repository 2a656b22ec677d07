import { useMemo } from 'react';
import type uPlot from 'uplot';
import type { DivergenceReport } from '../../../shared/contract';
import { Time } from '../../ui/Time';
import { timeLegend, timeTicks } from '../../ui/chart-time';
import { themeColor, UPlotChart } from '../../ui/UPlotChart';
import { useDivergenceActions } from './divergence-ui-store';

/** Divergent jobs (awaiting backfill excluded) of a report. */
export function divergentOf(report: DivergenceReport): number {
  return Object.entries(report.counts)
    .filter(([c]) => c !== 'awaiting_backfill')
    .reduce((sum, [, n]) => sum + n, 0);
}

/** The history of checks: divergent and awaiting-backfill counts over time, and the list. */
export function DivergenceTrend({ reports }: { reports: DivergenceReport[] }) {
  const actions = useDivergenceActions();
  const completed = useMemo(
    () => reports.filter((r) => r.state === 'completed').reverse(),
    [reports],
  );
  const data = useMemo<uPlot.AlignedData>(
    () => [
      completed.map((r) => Date.parse(r.started_at) / 1000),
      completed.map(divergentOf),
      completed.map((r) => r.counts.awaiting_backfill),
    ],
    [completed],
  );
  if (reports.length === 0) return null;
  return (
    <div className="divergence-trend">
      <h3>History of checks</h3>
      {completed.length > 1 && (
        <UPlotChart
          label="Divergent jobs per check"
          optionsKey="divergence-trend"
          data={data}
          options={() => ({
            height: 160,
            series: [
              timeLegend(),
              {
                label: 'divergent',
                stroke: themeColor('--danger', '#dc2626'),
                width: 2,
                points: { show: true },
              },
              {
                label: 'awaiting backfill',
                stroke: themeColor('--muted', '#6b7280'),
                width: 1,
                points: { show: true },
              },
            ],
            axes: [
              { stroke: themeColor('--muted', '#6b7280'), values: timeTicks },
              { stroke: themeColor('--muted', '#6b7280'), label: 'jobs' },
            ],
          })}
        />
      )}
      <table className="divergence-history" aria-label="Kept divergence reports">
        <thead>
          <tr>
            <th>started</th>
            <th>scope</th>
            <th>state</th>
            <th>divergent</th>
            <th>awaiting backfill</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {reports.map((r) => (
            <tr key={r.id}>
              <td>
                <Time iso={r.started_at} />
              </td>
              <td>{r.workspace_id ?? 'all'}</td>
              <td>{r.state}</td>
              <td className="num">{divergentOf(r)}</td>
              <td className="num">{r.counts.awaiting_backfill}</td>
              <td>
                <button
                  type="button"
                  className="btn btn-ghost btn-small"
                  onClick={() => actions.reportChosen(r.id)}
                >
                  Show
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
