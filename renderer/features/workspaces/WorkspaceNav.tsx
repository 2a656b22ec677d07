import type { StatusCounts, WorkspaceSummary } from '../../../shared/contract';
import { useConnectionStale } from '../../app/connection';
import { useNavigationActions, useSelectedWorkspace } from '../../app/navigation';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { formatTime } from '../../ui/Time';
import { usePrefetchJobListHandlers } from '../jobs/queries';
import { useWorkspaces } from './queries';

const ORDER = ['pending', 'running', 'completed', 'failed'] as const;

/** A schema's counts per status; `null` while a big workspace is still counted in the background. */
function CountsLine({ schema, counts }: { schema: 'old' | 'new'; counts: StatusCounts | null }) {
  const total = counts && ORDER.reduce((sum, s) => sum + counts[s], counts.other);
  return (
    <div className="ws-counts" aria-label={`${schema} schema counts`}>
      <span className="ws-schema">{schema}</span>
      {counts === null ? (
        <span className="muted" title="Counting this workspace's jobs in the background">
          counting…
        </span>
      ) : total === 0 ? (
        <span className="muted">no jobs</span>
      ) : (
        ORDER.map((status) => (
          <span
            key={status}
            className={`count count-${status}${counts[status] === 0 ? ' count-zero' : ''}`}
            title={`${counts[status]} ${status} in the ${schema} schema`}
          >
            {counts[status].toLocaleString()}
          </span>
        ))
      )}
    </div>
  );
}

function WorkspaceItem({ ws, selected }: { ws: WorkspaceSummary; selected: boolean }) {
  const { workspaceSelected } = useNavigationActions();
  const prefetchHandlers = usePrefetchJobListHandlers(ws.workspace_id);
  return (
    <li>
      <button
        type="button"
        className={`ws-item${selected ? ' ws-item-selected' : ''}`}
        aria-current={selected ? 'page' : undefined}
        {...prefetchHandlers}
        onClick={() => workspaceSelected(ws.workspace_id)}
      >
        <span className="ws-name">
          <span className="ws-id">{ws.workspace_id}</span>
          {ws.divergent !== undefined && ws.divergent > 0 && (
            <span
              className="diverge-marker"
              title={`${ws.divergent} jobs differ between the schemas (last divergence check)`}
              aria-label={`${ws.divergent} divergent`}
            >
              ≠ {ws.divergent.toLocaleString()}
            </span>
          )}
        </span>
        <CountsLine schema="old" counts={ws.counting ? null : ws.old} />
        <CountsLine schema="new" counts={ws.counting ? null : ws.new} />
      </button>
    </li>
  );
}

/** The "Workspaces" navigation: every workspace with its per-status counts in both schemas. */
export function WorkspaceNav() {
  const query = useWorkspaces();
  const selected = useSelectedWorkspace();
  const away = useConnectionStale();
  return (
    <nav aria-label="Workspaces" className="ws-nav">
      <div className="nav-heading-row">
        <h2 className="nav-heading">
          Workspaces
          {query.data && <span className="muted"> {query.data.length}</span>}
        </h2>
        <button
          type="button"
          className="btn btn-ghost btn-small"
          aria-label="Refresh workspace counts"
          title={
            query.dataUpdatedAt
              ? `Counts read at ${formatTime(query.dataUpdatedAt)}; refresh now`
              : 'Refresh now'
          }
          disabled={query.isFetching}
          onClick={() => void query.refetch()}
        >
          ↻
        </button>
      </div>
      {query.data && (query.isRefetchError || away) && (
        <p className="nav-stale">
          <StaleMark readAt={query.dataUpdatedAt} />
        </p>
      )}
      <div className="ws-legend" aria-hidden="true">
        <span className="count count-pending">pending</span>
        <span className="count count-running">running</span>
        <span className="count count-completed">done</span>
        <span className="count count-failed">failed</span>
      </div>
      {query.isPending && <p className="muted pad">Loading…</p>}
      {query.isError && !query.data && <ErrorNote error={query.error} />}
      {query.data?.length === 0 && (
        <p className="muted pad">No workspaces yet. Enqueue a job or run `queuescope demo`.</p>
      )}
      <ul className="ws-list">
        {query.data?.map((ws) => (
          <WorkspaceItem key={ws.workspace_id} ws={ws} selected={ws.workspace_id === selected} />
        ))}
      </ul>
    </nav>
  );
}
