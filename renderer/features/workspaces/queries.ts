import { queryOptions, useIsFetching, useQuery, useQueryClient } from '@tanstack/react-query';
import type { WorkspaceSummary } from '../../../shared/contract';
import { api } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';
import { useSelectedWorkspace } from '../../app/navigation';
import { jobKeys } from '../jobs/queries';

export const workspaceKeys = {
  all: ['workspaces'] as const,
  list: () => [...workspaceKeys.all, 'list'] as const,
};

export const workspacesQueryOptions = () =>
  queryOptions({
    queryKey: workspaceKeys.list(),
    queryFn: () => api.listWorkspaces({}),
  });

/** Above this many jobs in all, counting costs too much Redis work to repeat on a timer. */
export const POLL_COUNTS_UP_TO = 20_000;

/** While the core is still counting a big workspace, ask again this often until its counts arrive. */
export const COUNTING_POLL_MS = 1_500;

export function jobCount(workspaces: WorkspaceSummary[]): number {
  let sum = 0;
  for (const ws of workspaces)
    for (const counts of [ws.old, ws.new])
      sum += counts.pending + counts.running + counts.completed + counts.failed + counts.other;
  return sum;
}

/**
 * Workspace counts are the costliest read (the core visits every job's status in each schema), so
 * they refresh at a quarter of the live rate, at most once a minute, and not on a timer at all on a
 * large Redis: there they refresh when the window regains focus, after writes made here, or on
 * request. On first load they wait for the jobs list, which the user is looking at. A big workspace
 * the core has not counted yet comes back marked `counting`; the list is then asked for again every
 * COUNTING_POLL_MS (whatever the live setting, as finishing a first load) until the counts arrive.
 */
export function useWorkspaces() {
  const live = useLiveRefetch();
  const queryClient = useQueryClient();
  const workspace = useSelectedWorkspace();
  // Re-rendered whenever a jobs list starts or stops fetching, so the cache reads below stay current.
  const jobsFetching = useIsFetching({ queryKey: jobKeys.lists() }) > 0;
  const jobsShown = queryClient.getQueriesData({ queryKey: jobKeys.lists() }).some(([, d]) => d);
  const loadedOnce = queryClient.getQueryData(workspaceKeys.list()) !== undefined;
  const jobsFirst = workspace !== null && (!jobsShown || jobsFetching);
  return useQuery({
    ...workspacesQueryOptions(),
    ...live,
    enabled: loadedOnce || !jobsFirst,
    refetchInterval: (query) => {
      const data = query.state.data ?? [];
      if (data.some((ws) => ws.counting)) return COUNTING_POLL_MS;
      return live.refetchInterval === false || jobCount(data) > POLL_COUNTS_UP_TO
        ? false
        : Math.max(live.refetchInterval * 4, 60_000);
    },
  });
}
