import { unconfirmedError } from '../../unconfirmed';
import { EnqueueUnconfirmed } from '../confirm-on-owners';
import { enqueueCluster, enqueueManyCluster } from '../enqueue-cluster';
import { countFailedItems, countingFailure } from '../enqueue-failures';
import type { ClusterServed } from './types';

/**
 * Single-key reads, served as they are by the Cluster client, and the enqueues as the cross-slot
 * protocol (docs/topologies.md "Cluster enqueue"), which confirms each job's writes on the masters
 * that hold them before its commit ("Acknowledged means durable").
 */
export const ENQUEUE_SERVED: ClusterServed = {
  operations: ['getFlag', 'getJob', 'inspectJob', 'enqueue', 'enqueueMany'],
  handlers: ({ base, ctx, enqueue }) => ({
    getFlag: base.getFlag,
    getJob: base.getJob,
    inspectJob: base.inspectJob,
    enqueue: (input) =>
      countingFailure(ctx, input.workspace_id, () => enqueueCluster(enqueue, ctx, input)).catch(
        (error: unknown) => {
          if (!(error instanceof EnqueueUnconfirmed)) throw error;
          const output = { outcome: 'enqueued', job_id: error.jobId };
          throw unconfirmedError('enqueue', input, output, error.confirmation);
        },
      ),
    enqueueMany: async (input) => {
      const out = await enqueueManyCluster(enqueue, ctx, input.jobs);
      await countFailedItems(ctx, input.jobs, out.results);
      return out;
    },
  }),
};
