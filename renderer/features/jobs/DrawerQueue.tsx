import { useState } from 'react';
import { useWriteBlockReason } from '../../app/connection';
import { Button } from '../../ui/Button';
import { useQueuePosition } from '../queue/queries';
import { RemoveFromQueueDialog, removedText } from '../queue/RemoveFromQueueDialog';

/**
 * A pending job's place in ai:queue:pending, and "Remove from queue…" for a poison job
 * (docs/triage.md "Queue", "Remove from queue").
 */
export function DrawerQueue({
  workspace,
  jobId,
  status,
  onNotice,
}: {
  workspace: string;
  jobId: string;
  status: string | undefined;
  onNotice(text: string): void;
}) {
  const pending = status === 'pending';
  const position = useQueuePosition(jobId, pending);
  const blocked = useWriteBlockReason();
  const [confirming, setConfirming] = useState(false);
  // Kept while its dialog is open: the removal turns the job failed before the dialog hears back.
  if (!pending && !confirming) return null;
  const place = position.data;
  return (
    <div className="detail-queue">
      <span>
        {place === undefined
          ? 'Looking for it in the queue…'
          : place === null
            ? 'Not among the first 50,000 entries of the queue.'
            : place === 0
              ? 'Next in the queue: a worker takes it at once.'
              : `In the queue at position ${(place + 1).toLocaleString('en-US')}: ${place.toLocaleString('en-US')} job${place === 1 ? '' : 's'} ahead.`}
      </span>
      <Button small variant="danger" disabledReason={blocked} onClick={() => setConfirming(true)}>
        Remove from queue…
      </Button>
      <RemoveFromQueueDialog
        target={confirming ? { jobId, workspace, status: status ?? null } : null}
        onClose={() => setConfirming(false)}
        onDone={(result) => {
          setConfirming(false);
          onNotice(removedText(result));
        }}
      />
    </div>
  );
}
