import { useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { useConnection, useWriteBlockReason } from '../../app/connection';
import { useSelectedWorkspace } from '../../app/navigation';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { Time } from '../../ui/Time';
import { BulkRetryDialog, type BulkRetryTarget } from './BulkRetryDialog';
import { JobDetail } from './JobDetail';
import { JobsTable } from './JobsTable';
import { JobsToolbar } from './JobsToolbar';
import { useJobFilters, useJobsUiActions, useOpenJobId, useSelectedJobs } from './jobs-ui-store';
import { LIVE_PAGES, useJobList, useTrimToFirstPage } from './queries';
import { useJobsKeyboard } from './useJobsKeyboard';

export function JobsPage() {
  const workspace = useSelectedWorkspace();
  if (!workspace) {
    return (
      <div className="empty-state">
        <h1>Jobs</h1>
        <p>Pick a workspace on the left to see its jobs in both schemas.</p>
      </div>
    );
  }
  return <WorkspaceJobs workspace={workspace} />;
}

function WorkspaceJobs({ workspace }: { workspace: string }) {
  const filters = useDeferredValue(useJobFilters());
  const query = useJobList(workspace, filters);
  const trimToFirstPage = useTrimToFirstPage(workspace, filters);
  const connection = useConnection();
  const blocked = useWriteBlockReason();
  const openJobId = useOpenJobId();
  const selected = useSelectedJobs();
  const { workspaceEntered } = useJobsUiActions();
  const searchRef = useRef<HTMLInputElement>(null);
  const [bulkTarget, setBulkTarget] = useState<BulkRetryTarget | null>(null);

  useEffect(() => workspaceEntered(workspace), [workspace, workspaceEntered]);

  const rows = useMemo(() => query.data?.pages.flatMap((p) => p.rows) ?? [], [query.data]);
  const total = query.data?.pages[0]?.total ?? 0;
  useJobsKeyboard(rows, searchRef);

  const stale = Boolean(query.data) && (query.isRefetchError || connection.state !== 'ready');
  const livePaused = (query.data?.pages.length ?? 0) > LIVE_PAGES;
  // A text filter searches the workspace in bounded steps: say how far it got (docs/triage.md).
  const searched = query.data?.pages.at(-1)?.searched;

  return (
    <div className="jobs-page">
      <header className="page-head">
        <div>
          <h1>
            Jobs <span className="muted">in {workspace}</span>
          </h1>
          <p className="muted summary" aria-live="polite">
            {query.data
              ? `${rows.length.toLocaleString()} shown${query.hasNextPage ? '+' : ''} · ${total.toLocaleString()} in workspace · newest first`
              : 'Loading…'}
            {livePaused &&
              (searched === undefined
                ? ' · live refresh paused while scrolled down'
                : ' · live refresh paused while the filter searches in steps')}
            {searched !== undefined &&
              ` · searched ${searched.toLocaleString()} of ${total.toLocaleString()}${query.hasNextPage ? '…' : ''}`}
          </p>
        </div>
        <div className="page-actions">
          {stale && (
            <span className="stale-chip" role="status" title={query.error?.message}>
              Stale · last updated <Time iso={query.dataUpdatedAt} />
            </span>
          )}
          <Button
            disabledReason={blocked}
            disabled={selected.size === 0}
            title={selected.size === 0 ? 'Select jobs with the checkboxes first' : undefined}
            onClick={() => setBulkTarget({ kind: 'selected', jobIds: [...selected] })}
          >
            Retry selected{selected.size > 0 ? ` (${selected.size})` : ''}
          </Button>
          <Button disabledReason={blocked} onClick={() => setBulkTarget({ kind: 'all-failed' })}>
            Retry all failed
          </Button>
        </div>
      </header>
      <JobsToolbar searchRef={searchRef} />
      {query.isError && !query.data && <ErrorNote error={query.error} />}
      <div className="jobs-body-area">
        <JobsTable
          rows={rows}
          hasNextPage={query.hasNextPage}
          isFetchingNextPage={query.isFetchingNextPage}
          fetchNextPage={() => void query.fetchNextPage()}
          onBackAtTop={trimToFirstPage}
          stale={stale}
        />
        {query.data && rows.length === 0 && !query.hasNextPage && (
          <p className="empty-rows">No jobs match.</p>
        )}
        {openJobId && <JobDetail key={openJobId} workspace={workspace} jobId={openJobId} />}
      </div>
      <BulkRetryDialog
        workspace={workspace}
        target={bulkTarget}
        onClose={() => setBulkTarget(null)}
      />
    </div>
  );
}
