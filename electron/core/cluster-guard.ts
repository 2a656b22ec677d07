import type { Redis } from 'ioredis';
import type { CoreContext } from './context';
import { InternalError } from './errors';
import { registerScripts } from './scripts';
import { CLUSTER_SERVED_OPERATIONS } from './cluster/served';
import { clusterClientOf } from './redis/topology';

/**
 * An operation refused on Redis Cluster before anything is sent: its scripts name keys of several
 * hash slots, which a cluster rejects (CROSSSLOT, MOVED), and its walks see one node only.
 */
export class ClusterNotSupportedError extends InternalError {
  constructor(operation: string, node: string) {
    super(
      `Redis Cluster is detected (through ${node}), and ${operation} is not supported on a cluster yet; nothing was sent. No cluster group lists it (docs/topologies.md "Redis Cluster"): use a standalone or Sentinel-managed Redis for it.`,
      { reason: 'cluster_unsupported', topology: 'cluster', operation },
    );
  }
}

/** Single-key reads that the Cluster client routes to the right node. */
const SERVED_BY_CLUSTER = new Set<string>(CLUSTER_SERVED_OPERATIONS);

/** How an operation runs when the address is a cluster node: on the cluster, as is, or refused. */
export function clusterRoute(name: string): 'cluster' | 'as-is' | 'refused' {
  if (name === 'connectionInfo') return 'as-is';
  return SERVED_BY_CLUSTER.has(name) ? 'cluster' : 'refused';
}

/**
 * The context of the operations served by the cluster. ioredis's Cluster takes the same single-key
 * commands as a Redis client, and those operations (read-job.ts) use only GET, TYPE and HGETALL.
 */
export function clusterContext(ctx: CoreContext): CoreContext {
  const cluster = clusterClientOf(ctx.redis) as unknown as Redis;
  // The cluster enqueue's single-slot steps (docs/topologies.md "Cluster enqueue").
  registerScripts(cluster);
  return { ...ctx, redis: cluster };
}
