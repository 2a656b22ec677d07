import { divergenceCheckCluster } from '../divergence/check';
import { listReports, readReport } from '../../migration/report-store';
import type { ClusterServed } from './types';

/**
 * Walks over every master (docs/topologies.md "Redis Cluster"): the divergence check walks the
 * cluster by hash slot (docs/topologies.md "Divergence check on a cluster"); its reports are
 * single keys, read as on one server.
 */
export const WALKS_SERVED: ClusterServed = {
  operations: ['divergenceCheck', 'divergenceReports', 'divergenceReport'],
  handlers: ({ ctx }) => ({
    divergenceCheck: (input, call) => divergenceCheckCluster(ctx, input, call),
    divergenceReports: (input) => listReports(ctx, input.limit),
    divergenceReport: (input) => readReport(ctx, input.id),
  }),
};
