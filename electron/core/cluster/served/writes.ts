import type { ClusterServed } from './types';

/** Per-key compare-and-set writes (docs/topologies.md "Redis Cluster"). */
export const WRITES_SERVED: ClusterServed = {
  operations: [],
  handlers: () => ({}),
};
