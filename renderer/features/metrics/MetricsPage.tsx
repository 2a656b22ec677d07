import { useMemo } from 'react';
import { workspacesQueryOptions } from '../workspaces/queries';
import { useQuery } from '@tanstack/react-query';
import { useConnectionStale } from '../../app/connection';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { Time } from '../../ui/Time';
import { formatCount, formatPercent, toChartSeries, type ChartSeries } from './chart-data';
import { AttemptsChart, FailureRateChart, QueueDepthChart } from './MetricsCharts';
import {
  RANGES,
  useMetricsActions,
  useMetricsRange,
  useMetricsWorkspace,
} from './metrics-ui-store';
import { useMetrics } from './queries';
import '../../ui/screen.css';
import './metrics.css';

export function MetricsPage() {
  const range = useMetricsRange();
  const workspace = useMetricsWorkspace();
  const actions = useMetricsActions();
  const metrics = useMetrics(range, workspace);
  const workspaces = useQuery(workspacesQueryOptions());
  const report = metrics.data;
  const series = useMemo(() => (report ? toChartSeries(report) : null), [report]);
  const workspaceIds = useMemo(() => {
    const ids = new Set((workspaces.data ?? []).map((w) => w.workspace_id));
    for (const row of report?.by_workspace ?? []) ids.add(row.workspace_id);
    if (workspace) ids.add(workspace);
    return [...ids].sort();
  }, [workspaces.data, report, workspace]);
  const away = useConnectionStale();
  const stale = (metrics.isError || away) && report !== undefined;

  return (
    <div className="screen metrics-page">
      <h1 className="screen-title">Metrics</h1>
      <div className="toolbar">
        <label className="field-inline">
          <span>Workspace</span>
          <select
            className="input"
            aria-label="Workspace"
            value={workspace}
            onChange={(event) => actions.workspaceChosen(event.target.value)}
          >
            <option value="">All workspaces</option>
            {workspaceIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <div className="segmented" role="radiogroup" aria-label="Range">
          {RANGES.map((r) => (
            <button
              key={r.window}
              type="button"
              role="radio"
              aria-checked={range === r.window}
              className={range === r.window ? 'segment segment-on' : 'segment'}
              onClick={() => actions.rangeChosen(r.window)}
            >
              {r.label}
            </button>
          ))}
        </div>
        {(metrics.isFetching || metrics.isPlaceholderData) && (
          <span className="muted">Updating…</span>
        )}
        {stale && (
          <StaleMark
            readAt={metrics.dataUpdatedAt}
            why={away ? 'Redis is not answering' : 'The last refresh failed'}
          />
        )}
      </div>
      <ErrorNote error={metrics.error} prefix="Could not read the metrics." />
      {report && series && (
        <>
          <dl className="stat-row" aria-label="Dual-write attempts in this range">
            <Stat
              label="Dual-write attempts succeeded"
              value={formatCount(report.succeeded)}
              tone="ok"
            />
            <Stat
              label="Dual-write attempts failed"
              value={formatCount(report.failed)}
              tone="danger"
            />
            <Stat
              label="Failure rate of the attempts"
              value={formatPercent(report.failure_rate)}
              tone={report.failure_rate > 0 ? 'danger' : 'ok'}
            />
            <Stat label="Queue depth now (jobs pending)" value={formatCount(report.queue_depth)} />
          </dl>
          <p className="muted chart-note">
            An attempt is one enqueue writing both schemas while dual-write is on: these count
            attempts, not jobs, and an enqueue while it is off makes none.
          </p>
          <FlagChanges series={series} />
          <section className="panel" aria-labelledby="attempts-title">
            <h2 id="attempts-title" className="panel-title">
              Dual-write attempts per minute
              <span className="muted panel-sub">
                {workspace || 'all workspaces'} ·{' '}
                {series.stepMinutes > 1 ? `${series.stepMinutes}-minute steps` : 'per minute'}
              </span>
            </h2>
            {report.succeeded + report.failed === 0 && (
              <p className="muted chart-note">
                No dual-write attempt in this range. Attempts are counted while the flag is on.
              </p>
            )}
            <AttemptsChart series={series} />
          </section>
          <div className="chart-grid">
            <section className="panel" aria-labelledby="rate-title">
              <h2 id="rate-title" className="panel-title">
                Failure rate
              </h2>
              <FailureRateChart series={series} />
            </section>
            <section className="panel" aria-labelledby="depth-title">
              <h2 id="depth-title" className="panel-title">
                Queue depth over time
                <span className="muted panel-sub">
                  sampled once a minute by the hosts, whether or not anyone watches
                </span>
              </h2>
              <QueueDepthChart series={series} />
            </section>
          </div>
          {!workspace && report.by_workspace.length > 0 && (
            <section className="panel" aria-labelledby="by-ws-title">
              <h2 id="by-ws-title" className="panel-title">
                By workspace
              </h2>
              <table className="data-table" aria-label="Dual-write attempts by workspace">
                <thead>
                  <tr>
                    <th scope="col">Workspace</th>
                    <th scope="col">Succeeded</th>
                    <th scope="col">Failed</th>
                    <th scope="col">Failure rate</th>
                  </tr>
                </thead>
                <tbody>
                  {report.by_workspace.map((row) => (
                    <tr key={row.workspace_id}>
                      <td>
                        <button
                          type="button"
                          className="link-button"
                          onClick={() => actions.workspaceChosen(row.workspace_id)}
                        >
                          {row.workspace_id}
                        </button>
                      </td>
                      <td className="num">{formatCount(row.succeeded)}</td>
                      <td className="num">{formatCount(row.failed)}</td>
                      <td className="num">
                        {formatPercent(row.failed / Math.max(1, row.succeeded + row.failed))}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </div>
  );
}

function Stat({ label, value, tone }: { label: string; value: string; tone?: 'ok' | 'danger' }) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

/** The flag's changes in the range in words, next to the shaded spans and lines on the charts. */
function FlagChanges({ series }: { series: ChartSeries }) {
  const { off, changes } = series.flag;
  if (off.length === 0 && changes.length === 0) return null;
  return (
    <div className="flag-legend">
      <span className="flag-swatch" aria-hidden="true" /> Dual-write off
      <span className="flag-line" aria-hidden="true" /> flag changed
      {changes.length > 0 ? (
        <ul aria-label="Flag changes in this range">
          {changes.map((change) => (
            <li key={`${change.at}-${change.value}`}>
              <Time iso={change.at * 1000} /> dual-write turned {change.value}
            </li>
          ))}
        </ul>
      ) : (
        <span> for the whole range</span>
      )}
    </div>
  );
}
