import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ProfileInput, ProfilesApi } from '../../../electron/preload/desktop-api';

export const profileKeys = {
  all: ['profiles'] as const,
  list: () => [...profileKeys.all, 'list'] as const,
};

export const profilesQueryOptions = (profiles: ProfilesApi) =>
  queryOptions({ queryKey: profileKeys.list(), queryFn: () => profiles.list() });

export const useProfileList = (profiles: ProfilesApi) => useQuery(profilesQueryOptions(profiles));

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
export function useSaveProfile(profiles: ProfilesApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ProfileInput) => profiles.save(input),
    onSuccess: (saved) => (saved.active ? queryClient.invalidateQueries() : undefined),
    onSettled: () => queryClient.invalidateQueries({ queryKey: profileKeys.all }),
  });
}

export const useRemoveProfile = (profiles: ProfilesApi) =>
  useProfileMutation((id: string) => profiles.remove(id));

export const useConnectProfile = (profiles: ProfilesApi) =>
  useConnectionMutation((id: string) => profiles.connect(id));

export const useSetWritesUnlocked = (profiles: ProfilesApi) =>
  useConnectionMutation(({ id, unlocked }: { id: string; unlocked: boolean }) =>
    profiles.setWritesUnlocked(id, unlocked),
  );

export const useStartSandbox = (profiles: ProfilesApi) =>
  useConnectionMutation(() => profiles.startSandbox());
