import type { ClusterServed } from './types';

/** Reads and listings over every master (docs/topologies.md "Redis Cluster"). */
export const READS_SERVED: ClusterServed = {
  operations: [],
  handlers: () => ({}),
};
