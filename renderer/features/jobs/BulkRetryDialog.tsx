import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useWriteBlockReason } from '../../app/connection';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { failedJobIdsOptions } from './queries';
import { useBulkRetry } from './useBulkRetry';

export type BulkRetryTarget = { kind: 'selected'; jobIds: string[] } | { kind: 'all-failed' };

interface Props {
  workspace: string;
  target: BulkRetryTarget | null;
  onClose(): void;
}

/** Confirm with the count, then progress, then each job's outcome. */
export function BulkRetryDialog({ workspace, target, onClose }: Props) {
  const title = target?.kind === 'all-failed' ? 'Retry all failed' : 'Retry selected';
  return (
    <Dialog open={target !== null} title={title} onClose={onClose}>
      {target && <BulkRetryBody workspace={workspace} target={target} onClose={onClose} />}
    </Dialog>
  );
}

function BulkRetryBody({
  workspace,
  target,
  onClose,
}: {
  workspace: string;
  target: BulkRetryTarget;
  onClose(): void;
}) {
  const blocked = useWriteBlockReason();
  const failed = useQuery({
    ...failedJobIdsOptions(workspace),
    enabled: target.kind === 'all-failed',
  });
  const jobIds = target.kind === 'selected' ? target.jobIds : failed.data;
  const [started, setStarted] = useState(false);
  const bulk = useBulkRetry(workspace);
  const close = () => {
    bulk.reset();
    onClose();
  };
  const total = jobIds?.length ?? 0;
  const done = bulk.outcomes.length;
  const failures = bulk.outcomes.filter((o) => !o.ok).length;

  if (!started) {
    return (
      <>
        {failed.isError && (
          <ErrorNote error={failed.error} prefix="Could not count the failed jobs:" />
        )}
        {!jobIds && !failed.isError && <p>Counting failed jobs in {workspace}…</p>}
        {jobIds && (
          <p>
            {total === 0
              ? `There are no failed jobs to retry in ${workspace}.`
              : `Retry ${total} job${total === 1 ? '' : 's'} in ${workspace}? Each failed job goes back to pending and onto the queue once; a job that is not failed is left as it is and reported.`}
          </p>
        )}
        <div className="dialog-footer">
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            disabled={total === 0}
            disabledReason={blocked}
            onClick={() => {
              setStarted(true);
              void bulk.run(jobIds ?? []);
            }}
          >
            {`Retry ${total} job${total === 1 ? '' : 's'}`}
          </Button>
        </div>
      </>
    );
  }
  return (
    <>
      <div className="bulk-progress">
        <progress aria-label="Retry progress" max={total} value={done} />
        <p role="status">
          {bulk.running
            ? `Retrying… ${done} of ${total}`
            : `Done: ${done - failures} retried, ${failures} failed.`}
        </p>
        <ul className="outcomes" aria-label="Retry outcomes">
          {bulk.outcomes.map((o) => (
            <li key={o.jobId} className={o.ok ? 'outcome-ok' : 'outcome-error'}>
              <span className="mono">{o.jobId}</span>{' '}
              {o.ok ? (
                <span className="ok-text">retried</span>
              ) : (
                <span className="error-text">{o.message}</span>
              )}
            </li>
          ))}
        </ul>
      </div>
      <div className="dialog-footer">
        <Button variant="primary" onClick={close} disabled={bulk.running}>
          Close
        </Button>
      </div>
    </>
  );
}
