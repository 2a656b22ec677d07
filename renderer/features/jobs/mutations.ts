import { useMutation, useQueryClient, type QueryClient } from '@tanstack/react-query';
import type { JobStatus } from '../../../shared/contract';
import { api } from '../../api/client';
import { useOperatorName } from '../../app/operator';
import { workspaceKeys } from '../workspaces/queries';
import { jobKeys } from './queries';

export function invalidateAfterWrite(queryClient: QueryClient): Promise<unknown> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: jobKeys.all }),
    queryClient.invalidateQueries({ queryKey: workspaceKeys.all }),
  ]);
}

export function useRetryJob(workspace: string) {
  const queryClient = useQueryClient();
  const actor = useOperatorName();
  return useMutation({
    mutationFn: (jobId: string) =>
      api.retry({ job_id: jobId, workspace_id: workspace, actor_id: actor }),
    onSettled: () => invalidateAfterWrite(queryClient),
  });
}

export interface ForcedStatusInput {
  jobId: string;
  status: JobStatus;
  reason: string;
}

/** "Set status…": an admin override of the transition rules, always forced and given a reason. */
export function useForceStatus(workspace: string) {
  const queryClient = useQueryClient();
  const actor = useOperatorName();
  return useMutation({
    mutationFn: ({ jobId, status, reason }: ForcedStatusInput) =>
      api.updateStatus({
        job_id: jobId,
        status,
        workspace_id: workspace,
        force: true,
        reason,
        actor_id: actor,
      }),
    onSettled: () => invalidateAfterWrite(queryClient),
  });
}
