import type { Cluster, Redis } from 'ioredis';
import type { CoreContext } from '../context';
import { emulatedScript } from './index-scripts';
import { clusterDbsize, scanCluster, scatterPipeline } from './scatter';

/**
 * The Cluster client as the single-server code expects a client to behave, for the reads,
 * listings and the indexer on a Redis Cluster (docs/topologies.md "Redis Cluster"):
 *
 * - `pipeline()` and `mget` send each key's commands on their own (auto-pipelined per master)
 *   instead of being refused for naming several slots;
 * - `scan` walks every master by hash slot, its cursor the next slot, `dbsize` sums the masters;
 * - the scripts that build job keys from an index answer from per-key reads (index-scripts.ts).
 *
 * Everything else goes to the Cluster client as it is. MULTI is not changed: what needs one slot
 * must still name one.
 */
export function clusterReader(cluster: Cluster): Redis {
  return new Proxy(cluster, {
    get(target, name, receiver) {
      if (typeof name === 'string') {
        const script = emulatedScript(target, name);
        if (script) return script;
        switch (name) {
          case 'pipeline':
            return () => scatterPipeline(target);
          case 'mget':
            return (...keyArgs: Array<string | string[]>) =>
              Promise.all(keyArgs.flat().map((key) => target.get(key)));
          case 'scan':
            return (cursor: string | number, ...args: unknown[]) =>
              scanCluster(target, String(cursor), args);
          case 'dbsize':
            return () => clusterDbsize(target);
        }
      }
      const value: unknown = Reflect.get(target, name, receiver);
      return typeof value === 'function'
        ? (value as (...a: unknown[]) => unknown).bind(target)
        : value;
    },
  }) as unknown as Redis;
}

const readers = new WeakMap<CoreContext, CoreContext>();

/**
 * The context of the reads on a cluster, made once per cluster context (the kept counts and the
 * metric rollups are remembered per context).
 */
export function readerContext(ctx: CoreContext): CoreContext {
  let reader = readers.get(ctx);
  if (!reader) {
    reader = { ...ctx, redis: clusterReader(ctx.redis as unknown as Cluster) };
    readers.set(ctx, reader);
  }
  return reader;
}
