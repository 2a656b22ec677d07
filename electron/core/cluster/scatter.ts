import { Command, type Cluster, type Redis } from 'ioredis';
import { KeyspaceWalker } from './keyspace-walk';

/**
 * Per-key reads and writes on a Redis Cluster, and walks over every master (docs/topologies.md
 * "Redis Cluster"). A cluster pipeline or MGET must name keys of one slot; here each command is
 * sent on its own through the Cluster client, whose auto-pipelining groups the commands of one
 * node into one round trip. Commands on one key keep their order.
 */

type Reply = [Error | null, unknown];

/**
 * Errors of a command sent to a node that does not hold its key's slot (now, or yet), and of an
 * auto-pipeline whose slots stopped sharing a node while it was made.
 */
const REDIRECTED = /^(MOVED|ASK|TRYAGAIN|CLUSTERDOWN)\b|slots allocation group/;

/**
 * One keyed command through the Cluster client. ioredis does not redirect an auto-pipelined
 * command that a node answers MOVED or ASK (a resharding, a failover); sent again on its own, the
 * client follows the redirection as it does for any command.
 */
export async function sendRouted(
  cluster: Cluster,
  name: string,
  args: unknown[],
): Promise<unknown> {
  const send = (cluster as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
  if (!send) throw new Error(`no such command: ${name}`);
  try {
    return await send.apply(cluster, args);
  } catch (error) {
    if (!REDIRECTED.test(String((error as Error)?.message))) throw error;
    const command = new Command(name, args as string[], { replyEncoding: 'utf8' });
    return cluster.sendCommand(command);
  }
}
type Queued = { name: string; args: unknown[] };

/** Runs queued commands, those of one key one after another and the keys side by side. */
async function runQueued(cluster: Cluster, queued: Queued[]): Promise<Reply[]> {
  const replies: Reply[] = new Array<Reply>(queued.length);
  const byKey = new Map<string, number[]>();
  queued.forEach((command, i) => {
    const key = String(command.args[0] ?? '');
    byKey.set(key, [...(byKey.get(key) ?? []), i]);
  });
  await Promise.all(
    [...byKey.values()].map(async (indexes) => {
      for (const i of indexes) {
        const { name, args } = queued[i]!;
        try {
          replies[i] = [null, await sendRouted(cluster, name, args)];
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

/** The literal start of a SCAN MATCH pattern (up to its first glob character) and its matcher. */
export function globParts(pattern: string): { prefix: string; match: RegExp } {
  let prefix = '';
  let literal = true;
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      const next = pattern[++i]!;
      if (literal) prefix += next;
      source += next.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    if (ch === '*' || ch === '?' || ch === '[') literal = false;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const close = pattern.indexOf(']', i + 2);
      const body = pattern.slice(i + 1, close < 0 ? pattern.length : close);
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close < 0 ? pattern.length : close;
    } else {
      if (literal) prefix += ch;
      source += ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return { prefix, match: new RegExp(`^${source}$`, 's') };
}

/**
 * SCAN on a cluster: a step of the keyspace walk by hash slot (keyspace-walk.ts), whose position,
 * the next slot, is the cursor ("0" starts and ends the walk as SCAN's does). It means the same on
 * every node, so a walk resumed later is exact through a failover and a resharding
 * (docs/topologies.md "Redis Cluster"). MATCH and COUNT are honoured; COUNT bounds the keys a step
 * reads, as SCAN's hint does.
 */
export async function scanCluster(
  cluster: Cluster,
  cursor: string,
  args: unknown[],
): Promise<[string, string[]]> {
  let pattern = '*';
  let count = 1000;
  for (let i = 0; i + 1 < args.length; i += 2) {
    const option = String(args[i]).toUpperCase();
    if (option === 'MATCH') pattern = String(args[i + 1]);
    if (option === 'COUNT') count = Number(args[i + 1]) || count;
  }
  const { prefix, match } = globParts(pattern);
  const from = /^\d+$/.test(cursor) ? Number(cursor) : 0;
  const walker = new KeyspaceWalker(cluster, { prefix, keysPerBatch: count });
  const batch = await walker.read(from);
  const found = batch.slots.flatMap((slot) => slot.keys).filter((key) => match.test(key));
  return [batch.last ? '0' : String(batch.next), found];
}

/** Keys in the whole cluster: the sum of every master's DBSIZE. */
export async function clusterDbsize(cluster: Cluster): Promise<number> {
  const sizes = await Promise.all((await mastersOf(cluster)).map((m) => m.node.dbsize()));
  return sizes.reduce((sum, n) => sum + n, 0);
}
