import type { CoreOperationName } from '../../../../shared/contract';
import type { CoreContext } from '../../context';
import type { Handlers } from '../../handlers';
import type { ClusterEnqueueEnv } from '../enqueue-protocol';

/** What a cluster handler is built from: the context over the Cluster client and its handlers. */
export interface ClusterServeEnv {
  /** The core's context whose `redis` is the ioredis Cluster client. */
  ctx: CoreContext;
  /** The usual handlers over that context: right as they are for single-key operations. */
  base: Handlers;
  enqueue: ClusterEnqueueEnv;
}

/** A group of operations a cluster serves, and how (docs/topologies.md "Redis Cluster"). */
export interface ClusterServed {
  readonly operations: readonly CoreOperationName[];
  handlers(env: ClusterServeEnv): Partial<Handlers>;
}
