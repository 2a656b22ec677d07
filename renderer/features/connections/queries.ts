import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProfileInput } from '../../../shared/contract/profiles';
import { api } from '../../api/client';

export const profileKeys = {
  all: ['profiles'] as const,
  list: () => [...profileKeys.all, 'list'] as const,
};

export const profilesQueryOptions = queryOptions({
  queryKey: profileKeys.list(),
  queryFn: () => api.listProfiles({}),
});

export const useProfiles = () => useQuery(profilesQueryOptions);

/** Profile edits change only the list; nothing the console shows comes from another Redis yet. */
function useProfileMutation<T>(run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries({ queryKey: profileKeys.all }),
  });
}

/**
 * Connecting, starting the sandbox or changing the write lock swaps the Redis (or the rules) behind
 * every query, so everything is refetched; the connection entry itself is pushed by the host.
 */
function useConnectionMutation<T>(run: (input: T) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSettled: () => queryClient.invalidateQueries(),
  });
}

/** Saving the profile in use reconnects it with the new settings, so then everything is refetched. */
export function useSaveProfile() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ProfileInput) => api.saveProfile(input),
    onSuccess: (saved) => (saved.active ? queryClient.invalidateQueries() : undefined),
    onSettled: () => queryClient.invalidateQueries({ queryKey: profileKeys.all }),
  });
}

export const useRemoveProfile = () => useProfileMutation((id: string) => api.removeProfile({ id }));

export const useConnectProfile = () =>
  useConnectionMutation((id: string) => api.connectProfile({ id }));

export const useSetWritesUnlocked = () =>
  useConnectionMutation((input: { id: string; unlocked: boolean }) => api.setWritesUnlocked(input));

export const useStartSandbox = () => useConnectionMutation(() => api.startSandbox({}));
