import type { ClusterServed } from './types';

/** Walks over every master (docs/topologies.md "Redis Cluster"). */
export const WALKS_SERVED: ClusterServed = {
  operations: [],
  handlers: () => ({}),
};
