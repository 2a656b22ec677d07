import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventMap, OperationName, QueuescopeApi } from '../../../shared/contract';
import { bridge, invokeWithProgress, subscribe } from '../../api/client';

export type Progress = EventMap['progress'];

/**
 * Runs a long operation with an operation id, so the host streams its progress and can cancel it.
 * Progress is transient UI state of the running call; the result lands in React Query by the caller.
 */
export function useLongOperation<K extends OperationName>(op: K) {
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const current = useRef<string | null>(null);

  useEffect(
    () =>
      subscribe((event) => {
        if (event.name !== 'progress') return;
        const payload = event.payload as Progress;
        if (payload.operation_id === current.current) setProgress(payload);
      }),
    [],
  );

  const run = useCallback(
    async (input: Parameters<QueuescopeApi[K]>[0]) => {
      const id = crypto.randomUUID();
      current.current = id;
      setProgress(null);
      setRunning(true);
      try {
        return await invokeWithProgress(op, input, id);
      } finally {
        if (current.current === id) {
          current.current = null;
          setRunning(false);
        }
      }
    },
    [op],
  );

  const cancel = useCallback(() => {
    if (current.current) void bridge.cancel(current.current);
  }, []);

  return { run, cancel, running, progress };
}
