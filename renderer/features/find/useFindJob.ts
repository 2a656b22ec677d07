import { useCallback, useEffect, useRef, useState } from 'react';
import type { FindJobResult } from '../../../shared/contract';
import { api } from '../../api/client';

export type FindState =
  | { phase: 'idle' }
  | { phase: 'searching' | 'stopped' | 'done'; result: FindJobResult | null }
  | { phase: 'error'; error: unknown; result: FindJobResult | null };

/**
 * Runs findJob call after call (each bounded by its own budget on the host) until the search is
 * complete, a unique job is found, or it is stopped: docs/triage.md "Find any job".
 */
export function useFindJob() {
  const [state, setState] = useState<FindState>({ phase: 'idle' });
  const run = useRef(0);
  useEffect(() => () => void (run.current += 1), []);

  const search = useCallback(async (query: string, cursor?: string) => {
    const id = (run.current += 1);
    let result: FindJobResult | null = null;
    setState({ phase: 'searching', result: null });
    try {
      do {
        const next: FindJobResult = await api.findJob({
          query,
          ...(result?.cursor || cursor ? { cursor: result?.cursor ?? cursor } : {}),
        });
        if (run.current !== id) return null;
        result = next;
        setState({ phase: result.cursor ? 'searching' : 'done', result });
      } while (result.cursor && run.current === id);
      return result;
    } catch (error) {
      if (run.current === id) setState({ phase: 'error', error, result });
      return null;
    }
  }, []);

  const stop = useCallback(() => {
    run.current += 1;
    setState((s) => (s.phase === 'searching' ? { phase: 'stopped', result: s.result } : s));
  }, []);

  const reset = useCallback(() => {
    run.current += 1;
    setState({ phase: 'idle' });
  }, []);

  return { state, search, stop, reset };
}
