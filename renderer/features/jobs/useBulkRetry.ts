import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef, useState } from 'react';
import { api } from '../../api/client';
import { useOperatorName } from '../../app/operator';
import { errorMessage } from '../../ui/ErrorNote';
import { invalidateAfterWrite } from './mutations';

export type RetryOutcome =
  { jobId: string; ok: true } | { jobId: string; ok: false; message: string };

/** Retries in flight at once: fast enough for hundreds, gentle on a shared Redis. */
const CONCURRENCY = 4;

/**
 * Runs one `retry` per job and records each outcome as it lands, so the dialog can show progress
 * and which jobs failed (with the core's message) without stopping at the first error.
 */
export function useBulkRetry(workspace: string) {
  const queryClient = useQueryClient();
  const actor = useOperatorName();
  const [outcomes, setOutcomes] = useState<RetryOutcome[]>([]);
  const [running, setRunning] = useState(false);
  const cancelled = useRef(false);

  const run = useCallback(
    async (jobIds: string[]) => {
      cancelled.current = false;
      setOutcomes([]);
      setRunning(true);
      let next = 0;
      const worker = async () => {
        while (next < jobIds.length && !cancelled.current) {
          const jobId = jobIds[next++]!;
          let outcome: RetryOutcome;
          try {
            await api.retry({ job_id: jobId, workspace_id: workspace, actor_id: actor });
            outcome = { jobId, ok: true };
          } catch (error) {
            outcome = { jobId, ok: false, message: errorMessage(error) };
          }
          setOutcomes((previous) => [...previous, outcome]);
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, jobIds.length) }, worker));
      setRunning(false);
      await invalidateAfterWrite(queryClient);
    },
    [workspace, actor, queryClient],
  );

  const reset = useCallback(() => {
    cancelled.current = true;
    setOutcomes([]);
  }, []);

  return { run, reset, outcomes, running };
}
