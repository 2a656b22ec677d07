import { useState } from 'react';
import type { RemoveFromQueueResult } from '../../../shared/contract';
import { useWriteBlockReason } from '../../app/connection';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { useRemoveFromQueue } from './queries';

export interface RemoveTarget {
  jobId: string;
  workspace: string | null;
  status: string | null;
}

interface Props {
  target: RemoveTarget | null;
  onClose(): void;
  onDone(result: RemoveFromQueueResult): void;
}

/** Confirms taking a poison job out of the queue, with a reason for the job and the audit log. */
export function RemoveFromQueueDialog({ target, onClose, onDone }: Props) {
  return (
    <Dialog
      open={target !== null}
      title={target ? `Remove ${target.jobId} from the queue?` : ''}
      onClose={onClose}
    >
      {target && <RemoveForm target={target} onClose={onClose} onDone={onDone} />}
    </Dialog>
  );
}

function RemoveForm({ target, onClose, onDone }: Props & { target: RemoveTarget }) {
  const blocked = useWriteBlockReason();
  const mutation = useRemoveFromQueue();
  const [reason, setReason] = useState('');
  const reasonMissing = reason.trim() === '';
  return (
    <form
      className="form"
      aria-label="Remove from queue"
      onSubmit={(event) => {
        event.preventDefault();
        if (reasonMissing) return;
        mutation.mutate(
          { jobId: target.jobId, workspace: target.workspace, reason: reason.trim() },
          { onSuccess: onDone },
        );
      }}
    >
      <p>
        Every entry of <span className="mono">{target.jobId}</span> in{' '}
        <span className="mono">ai:queue:pending</span> is removed, so no worker takes it.
      </p>
      <p className="warning-text">
        {target.status === 'pending'
          ? 'The job is pending: it is marked failed in both schemas, with your reason as its result. "Retry" queues it again.'
          : target.status
            ? `The job is ${target.status}: its status is left as it is.`
            : 'No copy of this job exists: only its queue entries are removed.'}{' '}
        The removal and the reason are recorded in the audit log.
      </p>
      <label className="field">
        <span>Reason (required)</span>
        <textarea
          rows={3}
          value={reason}
          required
          maxLength={1000}
          placeholder="Why is this job taken out of the queue?"
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {mutation.isError && <ErrorNote error={mutation.error} prefix="Not removed:" />}
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          type="submit"
          variant="danger"
          disabled={reasonMissing || mutation.isPending}
          disabledReason={blocked}
          title={reasonMissing ? 'Give a reason first' : undefined}
        >
          {mutation.isPending ? 'Removing…' : 'Remove from queue'}
        </Button>
      </div>
    </form>
  );
}

/** What a removal did, in one sentence. */
export function removedText(result: RemoveFromQueueResult): string {
  const entries = `${result.removed} queue entr${result.removed === 1 ? 'y' : 'ies'}`;
  const status =
    result.status_before === 'pending'
      ? ' It is failed now, with your reason; Retry queues it again.'
      : result.status_before
        ? ` Its status (${result.status_before}) is unchanged.`
        : '';
  return `Removed ${entries} of ${result.job_id}.${status} Recorded in the audit log.`;
}
