import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';

export const workspaceKeys = {
  all: ['workspaces'] as const,
  list: () => [...workspaceKeys.all, 'list'] as const,
};

export const workspacesQueryOptions = () =>
  queryOptions({
    queryKey: workspaceKeys.list(),
    queryFn: () => api.listWorkspaces({}),
  });

/**
 * Workspace counts are the costliest read (the core reads every job's status in each schema), so
 * they refresh at a quarter of the live rate, at most once a minute; writes made here refetch them.
 */
export function useWorkspaces() {
  const live = useLiveRefetch();
  const interval =
    live.refetchInterval === false ? false : Math.max(live.refetchInterval * 4, 60_000);
  return useQuery({ ...workspacesQueryOptions(), ...live, refetchInterval: interval });
}
