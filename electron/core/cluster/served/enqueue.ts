import { enqueueCluster, enqueueManyCluster } from '../enqueue-cluster';
import type { ClusterServed } from './types';

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
    enqueue: (input) => enqueueCluster(enqueue, ctx, input),
    enqueueMany: (input) => enqueueManyCluster(enqueue, ctx, input.jobs),
  }),
};
