import {
  keepPreviousData,
  queryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { api } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';
import { useOperatorName } from '../../app/operator';
import { invalidateAfterWrite } from '../jobs/mutations';

/** Entries per page of the queue screen. */
export const QUEUE_PAGE = 50;

export const queueKeys = {
  all: ['queue'] as const,
  page: (offset: number) => [...queueKeys.all, 'page', offset] as const,
  position: (jobId: string) => [...queueKeys.all, 'position', jobId] as const,
};

export const queuePageOptions = (offset: number) =>
  queryOptions({
    queryKey: queueKeys.page(offset),
    queryFn: () => api.queuePage({ offset, limit: QUEUE_PAGE }),
  });

/** A page of ai:queue:pending from its head (docs/triage.md "Queue"), kept on screen while the next loads. */
export function useQueuePage(offset: number) {
  return useQuery({
    ...queuePageOptions(offset),
    ...useLiveRefetch(),
    placeholderData: keepPreviousData,
  });
}

/** Where a pending job stands in the queue (0 = next), null when it is not within reach. */
export function useQueuePosition(jobId: string, enabled: boolean) {
  return useQuery({
    queryKey: queueKeys.position(jobId),
    queryFn: async () =>
      (await api.queuePage({ offset: 0, limit: 1, job_id: jobId })).job_position ?? null,
    enabled,
    ...useLiveRefetch(),
  });
}

export interface RemoveInput {
  jobId: string;
  workspace: string | null;
  reason: string;
}

/** "Remove from queue": audited, with the operator's reason (docs/triage.md "Remove from queue"). */
export function useRemoveFromQueue() {
  const queryClient = useQueryClient();
  const operator = useOperatorName();
  return useMutation({
    mutationFn: ({ jobId, workspace, reason }: RemoveInput) =>
      api.removeFromQueue({
        job_id: jobId,
        ...(workspace ? { workspace_id: workspace } : {}),
        reason,
        actor_id: operator.trim() || 'console',
      }),
    onSettled: () =>
      Promise.all([
        invalidateAfterWrite(queryClient),
        queryClient.invalidateQueries({ queryKey: queueKeys.all }),
        queryClient.invalidateQueries({ queryKey: ['overview'] }),
      ]),
  });
}
