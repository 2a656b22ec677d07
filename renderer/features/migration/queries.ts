import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import type { FlagValue } from '../../../shared/contract';
import { api, subscribe } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';
import { useOperatorName } from '../../app/operator';
import { auditKeys } from '../audit/queries';

export const migrationKeys = {
  all: ['migration'] as const,
  flag: () => [...migrationKeys.all, 'flag'] as const,
};

export const flagQueryOptions = () =>
  queryOptions({ queryKey: migrationKeys.flag(), queryFn: () => api.getFlag({}) });

/**
 * The flag as Redis holds it. Polled at the live interval (one GET) because any client, even
 * redis-cli, may flip it; the host's `flag` event makes a flip it saw show up at once.
 */
export function useFlag() {
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.name === 'flag') {
          void queryClient.invalidateQueries({ queryKey: migrationKeys.flag() });
        }
      }),
    [queryClient],
  );
  return useQuery({ ...flagQueryOptions(), ...useLiveRefetch() });
}

export function useSetFlag() {
  const queryClient = useQueryClient();
  const actor = useOperatorName();
  return useMutation({
    mutationFn: (value: FlagValue) => api.setFlag({ value, actor_id: actor }),
    onSuccess: (state) => queryClient.setQueryData(migrationKeys.flag(), state),
    onSettled: () => queryClient.invalidateQueries({ queryKey: auditKeys.all }),
  });
}
