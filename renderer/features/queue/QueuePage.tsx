import { useState } from 'react';
import type { QueueEntry } from '../../../shared/contract';
import { useConnectionStale, useWriteBlockReason } from '../../app/connection';
import { useNavigationActions } from '../../app/navigation';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { StatusChip } from '../../ui/StatusChip';
import { Time } from '../../ui/Time';
import { useJobsUiActions } from '../jobs';
import { QUEUE_PAGE, useQueuePage } from './queries';
import { RemoveFromQueueDialog, removedText, type RemoveTarget } from './RemoveFromQueueDialog';
import '../../ui/screen.css';
import './queue.css';

/** The pending queue from its head, a page at a time (docs/triage.md "Queue"). */
export function QueuePage() {
  const [offset, setOffset] = useState(0);
  const query = useQueuePage(offset);
  const away = useConnectionStale();
  const blocked = useWriteBlockReason();
  const [target, setTarget] = useState<RemoveTarget | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const page = query.data;
  const total = page?.total ?? 0;
  const last = Math.max(0, Math.floor((total - 1) / QUEUE_PAGE) * QUEUE_PAGE);
  return (
    <div className="screen queue-page">
      <div className="queue-head">
        <div>
          <h1 className="screen-title">Queue</h1>
          <p className="muted queue-summary" aria-live="polite">
            {page
              ? `${total.toLocaleString('en-US')} entries in ai:queue:pending · position 1 is the next a worker takes`
              : 'Loading…'}
          </p>
        </div>
        {page && (away || query.isRefetchError) && (
          <StaleMark readAt={query.dataUpdatedAt} why={query.error?.message} />
        )}
        <nav className="pager" aria-label="Queue pages">
          <Button small disabled={offset === 0} onClick={() => setOffset(0)}>
            Head
          </Button>
          <Button
            small
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - QUEUE_PAGE))}
          >
            Previous
          </Button>
          <span className="muted pager-range">
            {page && page.entries.length
              ? `${(offset + 1).toLocaleString('en-US')}–${(offset + page.entries.length).toLocaleString('en-US')}`
              : '—'}
          </span>
          <Button
            small
            disabled={offset + QUEUE_PAGE >= total}
            onClick={() => setOffset(offset + QUEUE_PAGE)}
          >
            Next
          </Button>
          <Button small disabled={offset >= last} onClick={() => setOffset(last)}>
            Tail
          </Button>
        </nav>
      </div>
      {notice && (
        <p className="ok-note" role="status">
          {notice}
        </p>
      )}
      {query.isError && !page && <ErrorNote error={query.error} />}
      {page && (
        <div className="table-scroll">
          <table className="data-table queue-table" aria-label="Queue">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Position
                </th>
                <th scope="col">Job ID</th>
                <th scope="col">Workspace</th>
                <th scope="col">Status</th>
                <th scope="col">Action</th>
                <th scope="col">Enqueued</th>
                <th scope="col" className="num">
                  Attempts
                </th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {page.entries.map((entry) => (
                <QueueRow
                  key={`${entry.position}:${entry.job_id}`}
                  entry={entry}
                  blocked={blocked}
                  onRemove={() => {
                    setNotice(null);
                    setTarget({
                      jobId: entry.job_id,
                      workspace: entry.workspace_id,
                      status: entry.status,
                    });
                  }}
                />
              ))}
              {page.entries.length === 0 && (
                <tr>
                  <td colSpan={8} className="muted">
                    {total === 0 ? 'The queue is empty: no job is waiting.' : 'No entries here.'}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <RemoveFromQueueDialog
        target={target}
        onClose={() => setTarget(null)}
        onDone={(result) => {
          setTarget(null);
          setNotice(removedText(result));
        }}
      />
    </div>
  );
}

function QueueRow({
  entry,
  blocked,
  onRemove,
}: {
  entry: QueueEntry;
  blocked: string | null;
  onRemove(): void;
}) {
  const { workspaceSelected } = useNavigationActions();
  const { jobLinked } = useJobsUiActions();
  const ws = entry.workspace_id;
  return (
    <tr data-job-id={entry.job_id} className={entry.missing ? 'queue-missing' : undefined}>
      <td className="num">{(entry.position + 1).toLocaleString('en-US')}</td>
      <td className="mono">
        {ws ? (
          <button
            type="button"
            className="link-button mono"
            title={`Open ${entry.job_id} in ${ws}`}
            onClick={() => {
              jobLinked(ws, entry.job_id);
              workspaceSelected(ws);
            }}
          >
            {entry.job_id}
          </button>
        ) : (
          entry.job_id
        )}
      </td>
      <td>{ws ?? <span className="muted">—</span>}</td>
      <td>
        {entry.missing ? (
          <span className="muted" title="No old-schema copy: a worker drops this entry">
            no job
          </span>
        ) : (
          <StatusChip status={entry.status} />
        )}
      </td>
      <td className="truncate">{entry.action || <span className="muted">—</span>}</td>
      <td>
        <Time iso={entry.enqueued_at} />
      </td>
      <td className="num">{entry.attempts}</td>
      <td className="queue-actions">
        <Button
          small
          variant="ghost"
          disabledReason={blocked}
          onClick={onRemove}
          aria-label={`Remove ${entry.job_id} from the queue`}
        >
          Remove…
        </Button>
      </td>
    </tr>
  );
}
