import { queryOptions, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { api, subscribe } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';
import { COUNTING_POLL_MS, jobCount, POLL_COUNTS_UP_TO } from '../workspaces/queries';

export const overviewKeys = { all: ['overview'] as const };

export const overviewQueryOptions = () =>
  queryOptions({ queryKey: overviewKeys.all, queryFn: () => api.overview({}) });

/**
 * The overview, read as often as the "Workspaces" list reads its counts (its costliest part is the
 * same), and again at once when the flag changes (docs/triage.md "Overview").
 */
export function useOverview() {
  const live = useLiveRefetch();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.name === 'flag')
          void queryClient.invalidateQueries({ queryKey: overviewKeys.all });
      }),
    [queryClient],
  );
  return useQuery({
    ...overviewQueryOptions(),
    ...live,
    refetchInterval: (query) => {
      const workspaces = query.state.data?.workspaces ?? [];
      if (workspaces.some((ws) => ws.counting)) return COUNTING_POLL_MS;
      return live.refetchInterval === false || jobCount(workspaces) > POLL_COUNTS_UP_TO
        ? false
        : Math.max(live.refetchInterval * 4, 60_000);
    },
  });
}
