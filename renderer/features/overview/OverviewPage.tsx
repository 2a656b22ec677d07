import type { Overview, StatusCounts, WorkspaceSummary } from '../../../shared/contract';
import { useConnectionStale } from '../../app/connection';
import { useNavigationActions } from '../../app/navigation';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { relativeTime, Time } from '../../ui/Time';
import { useJobsUiActions } from '../jobs';
import { useOverview } from './queries';
import '../../ui/screen.css';
import './overview.css';

const STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
const total = (c: StatusCounts) => c.pending + c.running + c.completed + c.failed + c.other;
const count = (n: number) => n.toLocaleString('en-US');
const percent = (share: number) =>
  `${(share * 100).toFixed(share > 0 && share < 0.001 ? 2 : share < 0.1 ? 1 : 0)} %`;

/** The console's start page: the migration at a glance (docs/triage.md "Overview"). */
export function OverviewPage() {
  const query = useOverview();
  const away = useConnectionStale();
  const data = query.data;
  return (
    <div className="screen overview-page">
      <div className="overview-head">
        <h1 className="screen-title">Overview</h1>
        {data && (
          <span className="muted overview-read">
            read <Time iso={query.dataUpdatedAt} />{' '}
            <button
              type="button"
              className="btn btn-ghost btn-small"
              aria-label="Refresh overview"
              onClick={() => void query.refetch()}
              disabled={query.isFetching}
            >
              Refresh
            </button>
          </span>
        )}
        {data && (away || query.isRefetchError) && (
          <StaleMark readAt={query.dataUpdatedAt} why={query.error?.message} />
        )}
      </div>
      {query.isPending && <p className="muted">Loading…</p>}
      {query.isError && !data && <ErrorNote error={query.error} />}
      {data && (
        <>
          <AtAGlance data={data} />
          <WorkspaceTable workspaces={data.workspaces} />
        </>
      )}
    </div>
  );
}

function Card({
  label,
  value,
  tone,
  link,
  children,
}: {
  label: string;
  value: string;
  tone?: 'ok' | 'warn' | 'danger' | undefined;
  link?: React.ReactNode;
  children?: React.ReactNode;
}) {
  return (
    <div className={`glance-card${tone ? ` glance-${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>
        <span className="glance-value">{value}</span>
        <span className="glance-detail">{children}</span>
        {link}
      </dd>
    </div>
  );
}

function ScreenLink({
  view,
  children,
}: {
  view: 'migration' | 'queue' | 'divergence';
  children: string;
}) {
  const { viewChosen } = useNavigationActions();
  return (
    <a
      href={`#/${view}`}
      className="glance-link"
      onClick={(event) => {
        event.preventDefault();
        viewChosen(view);
      }}
    >
      {children}
    </a>
  );
}

function AtAGlance({ data }: { data: Overview }) {
  const { flag, coverage, last_check: check, dual_write: dw } = data;
  const attempts = dw.succeeded + dw.failed;
  return (
    <dl className="glance" aria-label="Migration at a glance">
      <Card
        label="Dual-write"
        value={flag.value === 'on' ? 'On' : 'Off'}
        tone={flag.value === 'on' ? 'ok' : 'warn'}
        link={<ScreenLink view="migration">Migration</ScreenLink>}
      >
        {flag.source === 'env' ? (
          'flag key absent: AI_JOBS_NEW_SCHEMA decides'
        ) : flag.since === null ? (
          'since: not recorded'
        ) : (
          <>
            since <Time iso={flag.since} /> ({relativeTime(flag.since, data.read_at)})
          </>
        )}
      </Card>
      <Card
        label="New-schema coverage"
        value={percent(coverage.share)}
        tone={coverage.share >= 1 ? 'ok' : undefined}
      >
        {count(coverage.new_jobs)} new copies for {count(coverage.old_jobs)} old-schema jobs
        <span className="coverage" aria-hidden="true">
          <span className="coverage-bar" style={{ width: `${coverage.share * 100}%` }} />
        </span>
      </Card>
      <Card
        label="Last check"
        value={
          !check
            ? 'None yet'
            : check.state !== 'completed'
              ? check.state[0]!.toUpperCase() + check.state.slice(1)
              : check.divergent === 0
                ? 'In sync'
                : `${count(check.divergent)} divergent`
        }
        tone={!check || check.state !== 'completed' ? undefined : check.divergent ? 'danger' : 'ok'}
        link={<ScreenLink view="divergence">Divergence</ScreenLink>}
      >
        {check ? (
          <>
            {relativeTime(check.finished_at ?? check.started_at, data.read_at)} ·{' '}
            {check.workspace_id ?? 'all workspaces'}
            {check.awaiting_backfill > 0 &&
              ` · ${count(check.awaiting_backfill)} awaiting backfill`}
          </>
        ) : (
          'run one to compare the schemas'
        )}
      </Card>
      <Card
        label="Dual-write failures, 15 min"
        value={percent(dw.failure_rate)}
        tone={dw.failed > 0 ? 'danger' : attempts > 0 ? 'ok' : undefined}
        link={
          // The link opens the same 15-minute window (docs/triage.md "Links").
          <a href="#/metrics?window=15m" className="glance-link">
            Metrics
          </a>
        }
      >
        {count(dw.failed)} of {count(attempts)} dual-write attempts
      </Card>
      <Card
        label="Queue depth"
        value={count(data.queue_depth)}
        link={<ScreenLink view="queue">Queue</ScreenLink>}
      >
        jobs waiting in ai:queue:pending
      </Card>
    </dl>
  );
}

function WorkspaceTable({ workspaces }: { workspaces: WorkspaceSummary[] }) {
  const { workspaceSelected } = useNavigationActions();
  const { filterChanged, filtersCleared } = useJobsUiActions();
  if (workspaces.length === 0) {
    return <p className="muted">No workspaces yet. Enqueue a job or run `queuescope demo`.</p>;
  }
  const open = (ws: string, status?: 'failed') => {
    filtersCleared();
    if (status) filterChanged({ status });
    workspaceSelected(ws);
  };
  return (
    <section className="panel" aria-labelledby="overview-ws-title">
      <h2 id="overview-ws-title" className="panel-title">
        Workspaces
      </h2>
      <div className="table-scroll">
        <table className="data-table overview-table" aria-label="Workspaces at a glance">
          <thead>
            <tr>
              <th scope="col" rowSpan={2}>
                Workspace
              </th>
              <th scope="colgroup" colSpan={4} className="group">
                Old schema
              </th>
              <th scope="colgroup" colSpan={4} className="group">
                New schema
              </th>
              <th scope="col" rowSpan={2}>
                Coverage
              </th>
              <th
                scope="col"
                rowSpan={2}
                className="num"
                title="From the last whole divergence check"
              >
                Divergent
              </th>
            </tr>
            <tr>
              {[0, 1].flatMap((schema) =>
                STATUSES.map((s) => (
                  <th key={`${schema}-${s}`} scope="col" className="num">
                    {s === 'completed' ? 'done' : s}
                  </th>
                )),
              )}
            </tr>
          </thead>
          <tbody>
            {workspaces.map((ws) => {
              const oldTotal = total(ws.old);
              const newTotal = total(ws.new);
              const share =
                oldTotal === 0 ? (newTotal > 0 ? 1 : 0) : Math.min(1, newTotal / oldTotal);
              return (
                <tr key={ws.workspace_id}>
                  <th scope="row">
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => open(ws.workspace_id)}
                    >
                      {ws.workspace_id}
                    </button>
                  </th>
                  {ws.counting ? (
                    <td colSpan={8} className="muted">
                      counting…
                    </td>
                  ) : (
                    [ws.old, ws.new].flatMap((counts, schema) =>
                      STATUSES.map((s) => (
                        <td
                          key={`${schema}-${s}`}
                          className={`num${counts[s] === 0 ? ' zero' : ''}`}
                        >
                          {s === 'failed' && schema === 0 && counts[s] > 0 ? (
                            <button
                              type="button"
                              className="link-button count-failed-link"
                              title={`Open the failed jobs of ${ws.workspace_id}`}
                              onClick={() => open(ws.workspace_id, 'failed')}
                            >
                              {count(counts[s])}
                            </button>
                          ) : (
                            count(counts[s])
                          )}
                        </td>
                      )),
                    )
                  )}
                  <td>
                    <span className="coverage" aria-hidden="true">
                      <span className="coverage-bar" style={{ width: `${share * 100}%` }} />
                    </span>
                    <span className="coverage-text">{ws.counting ? '…' : percent(share)}</span>
                  </td>
                  <td className={`num${ws.divergent ? ' divergent' : ''}`}>
                    {ws.divergent === undefined ? (
                      <span className="muted">—</span>
                    ) : (
                      count(ws.divergent)
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="muted coverage-note">
        Counts come from the per-workspace counts Queuescope keeps; divergent jobs from the last
        whole divergence check.
      </p>
    </section>
  );
}
