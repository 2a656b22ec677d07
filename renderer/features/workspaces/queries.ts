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

/** Workspace counts are the costliest read, so they refresh at most every 15 s whatever the setting. */
export function useWorkspaces() {
  const live = useLiveRefetch();
  const interval = live.refetchInterval === false ? false : Math.max(live.refetchInterval, 15_000);
  return useQuery({ ...workspacesQueryOptions(), ...live, refetchInterval: interval });
}
