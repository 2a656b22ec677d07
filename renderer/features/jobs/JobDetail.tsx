import { useRef, useState } from 'react';
import { useConnection, useWriteBlockReason } from '../../app/connection';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { Time } from '../../ui/Time';
import { useFocusTrap } from '../../ui/focus-trap';
import { DrawerQueue } from './DrawerQueue';
import { JobCompare } from './JobCompare';
import { useJobsUiActions } from './jobs-ui-store';
import { useRetryJob } from './mutations';
import { useJobDetail } from './queries';
import { SetStatusDialog } from './SetStatusDialog';

/** Job detail: both copies side by side, with "Retry" and the forced "Set status…". */
export function JobDetail({ workspace, jobId }: { workspace: string; jobId: string }) {
  const query = useJobDetail(workspace, jobId);
  const connection = useConnection();
  const blocked = useWriteBlockReason();
  const retry = useRetryJob(workspace);
  const { jobClosed } = useJobsUiActions();
  const [statusOpen, setStatusOpen] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const drawer = useRef<HTMLElement>(null);
  // Focus stays in the drawer while it is open, and goes back to the job's row (docs/triage.md).
  useFocusTrap(drawer, jobClosed, () =>
    document.querySelector<HTMLElement>(`[role="row"][data-job-id="${CSS.escape(jobId)}"]`),
  );

  const data = query.data;
  const current = data?.new ?? data?.old ?? null;
  const isFailed = data?.old?.status === 'failed' || data?.new?.status === 'failed';
  const stale = Boolean(data) && (query.isRefetchError || connection.state !== 'ready');
  const missing = data && !data.old && !data.new;

  return (
    <aside className="detail" aria-label="Job detail" ref={drawer} tabIndex={-1}>
      <header className="detail-head">
        <div className="detail-title">
          <h2 className="mono">{jobId}</h2>
          <span className="muted">
            {workspace}
            {current?.action_provider &&
              ` · ${current.action_provider}.${current.action_name ?? ''}`}
          </span>
        </div>
        <div className="detail-actions">
          <Button
            variant="primary"
            disabledReason={
              blocked ?? (data && !isFailed ? 'Only a failed job can be retried.' : null)
            }
            disabled={!data || retry.isPending}
            onClick={() => {
              setNotice(null);
              retry.mutate(jobId, {
                onSuccess: (job) =>
                  setNotice(
                    `Retried: ${jobId} is ${job.status} again (attempt ${job.attempts ?? 1}).`,
                  ),
              });
            }}
          >
            {retry.isPending ? 'Retrying…' : 'Retry'}
          </Button>
          <Button
            disabledReason={blocked}
            disabled={!data || Boolean(missing)}
            onClick={() => {
              retry.reset();
              setNotice(null);
              setStatusOpen(true);
            }}
          >
            Set status…
          </Button>
          <Button
            variant="ghost"
            aria-label="Close job detail"
            title="Close (Esc)"
            onClick={jobClosed}
          >
            ✕
          </Button>
        </div>
      </header>
      <DrawerQueue
        workspace={workspace}
        jobId={jobId}
        status={current?.status}
        onNotice={setNotice}
      />
      {stale && (
        <p className="stale-note" role="status">
          Stale: showing the copy read at <Time iso={query.dataUpdatedAt} />.
        </p>
      )}
      {notice && (
        <p className="ok-note" role="status">
          {notice}
        </p>
      )}
      {retry.isError && <ErrorNote error={retry.error} prefix="Retry failed:" />}
      {query.isPending && <p className="muted pad">Loading job…</p>}
      {query.isError && !data && <ErrorNote error={query.error} />}
      {missing && <p className="pad">No copy of {jobId} exists in either schema any more.</p>}
      {data && !missing && (
        <JobCompare
          workspace={workspace}
          old={data.old}
          new={data.new}
          differences={data.differences}
          awaitingBackfill={data.awaiting_backfill === true}
        />
      )}
      <SetStatusDialog
        open={statusOpen}
        workspace={workspace}
        jobId={jobId}
        currentStatus={current?.status}
        onClose={() => setStatusOpen(false)}
        onDone={(status) => {
          setStatusOpen(false);
          setNotice(`Status of ${jobId} forced to ${status}; recorded in the audit log.`);
        }}
      />
    </aside>
  );
}
