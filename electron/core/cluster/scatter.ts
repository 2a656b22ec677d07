import type { Cluster, Redis } from 'ioredis';

/**
 * Per-key reads and writes on a Redis Cluster, and walks over every master (docs/topologies.md
 * "Redis Cluster"). A cluster pipeline or MGET must name keys of one slot; here each command is
 * sent on its own through the Cluster client, whose auto-pipelining groups the commands of one
 * node into one round trip. Commands on one key keep their order.
 */

type Reply = [Error | null, unknown];
type Queued = { name: string; args: unknown[] };

/** Runs queued commands, those of one key one after another and the keys side by side. */
async function runQueued(cluster: Cluster, queued: Queued[]): Promise<Reply[]> {
  const replies: Reply[] = new Array<Reply>(queued.length);
  const byKey = new Map<string, number[]>();
  queued.forEach((command, i) => {
    const key = String(command.args[0] ?? '');
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  const send = cluster as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await Promise.all(
    [...byKey.values()].map(async (indexes) => {
      for (const i of indexes) {
        const { name, args } = queued[i]!;
        try {
          replies[i] = [null, await send[name]!.apply(cluster, args)];
        } catch (error) {
          replies[i] = [error as Error, null];
        }
      }
    }),
  );
  return replies;
}

/**
 * What `pipeline()` answers on the cluster: the same chained calls and `exec()` answer as an ioredis
 * pipeline ([error, reply] per command), the commands sent per key as above.
 */
export function scatterPipeline(cluster: Cluster): Record<string, unknown> {
  const queued: Queued[] = [];
  const pipeline: Record<string, unknown> = new Proxy(
    {},
    {
      get(_, name: string) {
        if (name === 'exec') return () => runQueued(cluster, queued);
        if (name === 'length') return queued.length;
        if (name === 'then') return undefined;
        return (...args: unknown[]) => {
          queued.push({ name, args });
          return pipeline;
        };
      },
    },
  );
  return pipeline;
}

/** The masters of the cluster, by address, once the client knows its slots. */
export async function mastersOf(cluster: Cluster): Promise<Array<{ name: string; node: Redis }>> {
  if (cluster.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      cluster.once('ready', resolve);
      cluster.once('end', () => reject(new Error('cluster connection ended')));
      if (cluster.status === 'wait') cluster.connect().catch(reject);
    });
  }
  return (cluster.nodes('master') as Redis[])
    .map((node) => ({ name: `${node.options.host}:${node.options.port}`, node }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * SCAN over every master in turn, with one cursor: "0" starts (and ends) the walk, any other is
 * `<master address>@<that master's cursor>`. A master that is gone since (a failover) is passed
 * over; docs/topologies.md says which walks must be exact through a failover and how.
 */
export async function scanMasters(
  cluster: Cluster,
  cursor: string,
  args: unknown[],
): Promise<[string, string[]]> {
  const masters = await mastersOf(cluster);
  const at = cursor.lastIndexOf('@');
  const name = at > 0 ? cursor.slice(0, at) : '';
  let index = at > 0 ? masters.findIndex((m) => m.name >= name) : 0;
  let nodeCursor = at > 0 && masters[index]?.name === name ? cursor.slice(at + 1) : '0';
  if (index < 0) return ['0', []];
  const master = masters[index]!;
  const [next, found] = (await master.node.scan(nodeCursor, ...(args as ['MATCH', string]))) as [
    string,
    string[],
  ];
  nodeCursor = next;
  if (nodeCursor === '0') index += 1;
  const following = masters[index];
  if (!following) return ['0', found];
  return [`${following.name}@${nodeCursor}`, found];
}

/** Keys in the whole cluster: the sum of every master's DBSIZE. */
export async function clusterDbsize(cluster: Cluster): Promise<number> {
  const sizes = await Promise.all((await mastersOf(cluster)).map((m) => m.node.dbsize()));
  return sizes.reduce((sum, n) => sum + n, 0);
}
