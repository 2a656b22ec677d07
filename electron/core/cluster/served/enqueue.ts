import { keys } from '../../keys';
import { confirmedOnCluster } from '../confirmed';
import { enqueueCluster, enqueueManyCluster } from '../enqueue-cluster';
import { countFailedItems, countingFailure } from '../enqueue-failures';
import { clusterEnqueueKeys } from '../slot-tags';
import type { ClusterServed } from './types';

/** The keys one cluster enqueue may write, by its input and answer (its intent sits beside them). */
function enqueueKeys(
  input: { workspace_id: string; client_request_id?: string | undefined },
  output: { job_id: string },
): string[] {
  const ws = input.workspace_id;
  return [
    keys.oldJob(output.job_id),
    keys.newJob(ws, output.job_id),
    keys.queue,
    clusterEnqueueKeys.pushed(keys.queue),
    ...(input.client_request_id ? [keys.idempotency(ws, input.client_request_id)] : []),
    keys.workspaceIndex(ws),
    keys.workspaces,
    keys.metricsTotal,
  ];
}

/**
 * Single-key reads, served as they are by the Cluster client, and the enqueues as the cross-slot
 * protocol (docs/topologies.md "Cluster enqueue").
 */
export const ENQUEUE_SERVED: ClusterServed = {
  operations: ['getFlag', 'getJob', 'inspectJob', 'enqueue', 'enqueueMany'],
  handlers: ({ base, ctx, enqueue }) => ({
    getFlag: base.getFlag,
    getJob: base.getJob,
    inspectJob: base.inspectJob,
    // Confirmed on every master written to (docs/topologies.md "Acknowledged means durable").
    enqueue: (input) =>
      confirmedOnCluster(ctx, 'enqueue', input, enqueueKeys, () =>
        countingFailure(ctx, input.workspace_id, () => enqueueCluster(enqueue, ctx, input)),
      ),
    enqueueMany: (input) =>
      confirmedOnCluster(
        ctx,
        'enqueueMany',
        input,
        () => 'all',
        async () => {
          const out = await enqueueManyCluster(enqueue, ctx, input.jobs);
          await countFailedItems(ctx, input.jobs, out.results);
          return out;
        },
      ),
  }),
};
