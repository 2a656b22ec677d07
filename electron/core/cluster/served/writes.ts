import type { CoreContext } from '../../context';
import { keys } from '../../keys';
import { repair, type RepairVia } from '../../migration/repair';
import { divergenceCheckCluster } from '../divergence/check';
import { readerContext } from '../reader';
import { applyFixCluster } from '../repair/apply-fix';
import { clusterEnqueueKeys } from '../slot-tags';
import { confirmedOnCluster } from '../confirmed';
import { retryCluster } from '../writes/retry';
import { removeFromQueueCluster } from '../writes/remove-from-queue';
import { updateStatusCluster } from '../writes/update-status';
import type { ClusterServed } from './types';

/** The queue and the pushed set beside it: a requeue or a retry may push. */
const QUEUE_KEYS = [keys.queue, clusterEnqueueKeys.pushed(keys.queue)];

const jobKeys = (jobId: string, workspaceId: string | null | undefined) => [
  keys.oldJob(jobId),
  ...(workspaceId ? [keys.newJob(workspaceId, jobId)] : []),
];

/** Repair on a cluster: the cluster's divergence check, and each fix as single-slot steps. */
const clusterRepair = (ctx: CoreContext): RepairVia => ({
  check: (_reader, input, call) => divergenceCheckCluster(ctx, input, call),
  applyFix: (_reader, item) => applyFixCluster(ctx, item),
});

/**
 * Per-key compare-and-set writes (docs/topologies.md "Cluster writes"), each confirmed on every
 * master it wrote to ("Acknowledged means durable"). setFlag runs the one-server script: the flag
 * history sits beside the flag on a cluster (migration/flags.ts). Repair fixes report items as
 * single-slot steps ("Repair on a cluster").
 */
export const WRITES_SERVED: ClusterServed = {
  operations: ['updateStatus', 'retry', 'setFlag', 'removeFromQueue', 'repair'],
  handlers: ({ base, ctx }) => ({
    updateStatus: (input) =>
      confirmedOnCluster(
        ctx,
        'updateStatus',
        input,
        // Only a move back to pending pushes to the queue.
        (i) => [
          ...jobKeys(i.job_id, i.workspace_id),
          ...(i.status === 'pending' ? QUEUE_KEYS : []),
        ],
        () => updateStatusCluster(ctx, input),
      ),
    retry: (input) =>
      confirmedOnCluster(
        ctx,
        'retry',
        input,
        (i) => [...jobKeys(i.job_id, i.workspace_id), ...QUEUE_KEYS],
        () => retryCluster(ctx, input.job_id, input.workspace_id, input.actor_id),
      ),
    setFlag: (input, call) =>
      confirmedOnCluster(
        ctx,
        'setFlag',
        input,
        () => [keys.flag],
        () => base.setFlag(input, call),
      ),
    removeFromQueue: (input) =>
      confirmedOnCluster(
        ctx,
        'removeFromQueue',
        input,
        (i, o) => [...jobKeys(i.job_id, o.workspace_id), keys.queue],
        () => removeFromQueueCluster(ctx, input),
      ),
    // The report and its marks are single keys, read through the cluster reader.
    repair: (input, call) =>
      confirmedOnCluster(
        ctx,
        'repair',
        input,
        () => 'all',
        () => repair(readerContext(ctx), input, call, {}, clusterRepair(ctx)),
      ),
  }),
};
