import type { CoreOperationName } from '../../../../shared/contract';
import type { Handlers } from '../../handlers';
import { ENQUEUE_SERVED } from './enqueue';
import { READS_SERVED } from './reads';
import type { ClusterServeEnv } from './types';
import { WALKS_SERVED } from './walks';
import { WRITES_SERVED } from './writes';

const GROUPS = [ENQUEUE_SERVED, WRITES_SERVED, WALKS_SERVED, READS_SERVED];

/** Every operation a cluster serves through the Cluster client (connectionInfo aside). */
export const CLUSTER_SERVED_OPERATIONS: readonly CoreOperationName[] = GROUPS.flatMap(
  (group) => group.operations,
);

/** The handlers of the served operations; a group's handler for an operation it lists wins. */
export function clusterHandlers(env: ClusterServeEnv): Partial<Handlers> {
  const handlers: Partial<Handlers> = {};
  for (const group of GROUPS) {
    const made = group.handlers(env) as Record<string, unknown>;
    for (const op of group.operations) {
      if (!made[op]) throw new Error(`cluster group lists ${op} without a handler`);
      (handlers as Record<string, unknown>)[op] = made[op];
    }
  }
  return handlers;
}
