import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { EnqueueInput } from '../../../shared/contract';
import { api } from '../../api/client';
import { jobKeys } from '../jobs/queries';
import { workspaceKeys } from '../workspaces/queries';

export function useEnqueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: EnqueueInput) => api.enqueue(input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: jobKeys.lists() }),
        queryClient.invalidateQueries({ queryKey: workspaceKeys.all }),
      ]),
  });
}
