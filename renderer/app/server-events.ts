import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { subscribe } from '../api/client';
import { connectionKeys, type ConnectionInfo } from './connection';
import { jobKeys } from '../features/jobs/queries';
import { workspaceKeys } from '../features/workspaces/queries';

/**
 * Feeds pushed events into the query cache: the connection state is stored as data, recovery
 * refetches everything that went stale while Redis was away (the first connect of a page only
 * what failed, so a page load does not read everything twice), and job changes mark lists stale
 * without refetching at once (the live refresh interval decides when), which keeps an idle
 * console's Redis traffic low however busy the workers are.
 */
export function useServerEvents(): void {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.name === 'connection') {
          // The latency changes with every probe; only the badge reads it (docs/connection.md).
          const { latency_ms: latency, ...payload } = event.payload as ConnectionInfo;
          queryClient.setQueryData(connectionKeys.latency, latency ?? null);
          const previous = queryClient.getQueryData<ConnectionInfo>(connectionKeys.all);
          const changed = previous?.state !== payload.state;
          if (previous && !changed && sameConnection(previous, payload)) return;
          queryClient.setQueryData<ConnectionInfo>(connectionKeys.all, {
            ...payload,
            since: changed || !previous ? Date.now() : previous.since,
          });
          if (payload.state === 'ready' && previous && previous.state !== 'ready') {
            // Back after an outage, everything may be stale. The first 'ready' of a fresh page
            // only follows 'connecting': what loaded meanwhile is current, so only failures retry.
            const recovered = previous.state !== 'connecting';
            void queryClient.invalidateQueries({
              predicate: (query) =>
                query.queryKey[0] !== connectionKeys.all[0] &&
                (recovered || query.state.status === 'error'),
            });
          }
        } else if (event.name === 'jobs') {
          void queryClient.invalidateQueries({ queryKey: jobKeys.all, refetchType: 'none' });
          void queryClient.invalidateQueries({ queryKey: workspaceKeys.all, refetchType: 'none' });
        }
      }),
    [queryClient],
  );
}

function sameConnection(a: Omit<ConnectionInfo, 'since'>, b: Omit<ConnectionInfo, 'since'>) {
  return a.detail === b.detail && a.read_only === b.read_only && a.label === b.label;
}
