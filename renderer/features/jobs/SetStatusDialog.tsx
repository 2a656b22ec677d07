import { useState } from 'react';
import type { JobStatus } from '../../../shared/contract';
import { JOB_STATUSES } from '../../../shared/contract/names';
import { useWriteBlockReason } from '../../app/connection';
import { useAuditedAs } from '../../app/operator';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNote } from '../../ui/ErrorNote';
import { useForceStatus } from './mutations';

interface Props {
  open: boolean;
  workspace: string;
  jobId: string;
  currentStatus: string | undefined;
  onClose(): void;
  onDone(status: JobStatus): void;
}

/** "Set status…": forced past the transition rules, so it asks for a reason that goes to the audit log. */
export function SetStatusDialog(props: Props) {
  return (
    <Dialog open={props.open} title={`Set status of ${props.jobId}`} onClose={props.onClose}>
      {props.open && <SetStatusForm {...props} />}
    </Dialog>
  );
}

function SetStatusForm({ workspace, jobId, currentStatus, onClose, onDone }: Props) {
  const blocked = useWriteBlockReason();
  const operator = useAuditedAs();
  const mutation = useForceStatus(workspace);
  const [status, setStatus] = useState<JobStatus>(
    currentStatus === 'failed' ? 'pending' : 'failed',
  );
  const [reason, setReason] = useState('');
  const reasonMissing = reason.trim() === '';
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        if (reasonMissing) return;
        mutation.mutate(
          { jobId, status, reason: reason.trim() },
          { onSuccess: () => onDone(status) },
        );
      }}
    >
      <p className="warning-text">
        This overrides the normal transition rules (now{' '}
        <strong>{currentStatus || 'unknown'}</strong>
        ). It is written to both schemas at once and recorded in the audit log as {operator}.
      </p>
      <label className="field">
        <span>New status</span>
        <select value={status} onChange={(e) => setStatus(e.target.value as JobStatus)}>
          {JOB_STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reason (required)</span>
        <textarea
          rows={3}
          value={reason}
          required
          maxLength={1000}
          placeholder="Why is this override needed?"
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      {mutation.isError && <ErrorNote error={mutation.error} />}
      <div className="dialog-footer">
        <Button onClick={onClose}>Cancel</Button>
        <Button
          type="submit"
          variant="danger"
          disabled={reasonMissing || mutation.isPending}
          disabledReason={blocked}
          title={reasonMissing ? 'Give a reason first' : undefined}
        >
          Set status
        </Button>
      </div>
    </form>
  );
}
