import { Cluster, type Redis } from 'ioredis';
import type { ConnectionInfo, TopologyKind } from '../../../shared/contract';
import { CLUSTER_SERVED_OPERATIONS } from '../cluster/served';
import { connectedReplicas, type DurabilityPolicy } from './durability';

interface TopologyState {
  /** The answer of INFO cluster, asked once per client. */
  kind: Promise<TopologyKind> | null;
  cluster: Cluster | null;
}

const states = new WeakMap<Redis, TopologyState>();

function stateOf(client: Redis): TopologyState {
  let state = states.get(client);
  if (!state) {
    const created: TopologyState = { kind: null, cluster: null };
    // The cluster client lives as long as the client it was found through.
    client.once('end', () => created.cluster?.disconnect());
    states.set(client, created);
    state = created;
  }
  return state;
}

/**
 * What the client's address stands for: Sentinel by its options; a cluster node when INFO cluster
 * says cluster_enabled:1 (asked once; a failed ask is asked again next time); standalone otherwise.
 */
export function detectTopology(client: Redis): Promise<TopologyKind> {
  if (client.options.sentinels?.length) return Promise.resolve('sentinel');
  const state = stateOf(client);
  state.kind ??= clusterEnabled(client).then(
    (enabled) => (enabled ? 'cluster' : 'standalone'),
    (error: unknown) => {
      state.kind = null;
      throw error;
    },
  );
  return state.kind;
}

async function clusterEnabled(client: Redis): Promise<boolean> {
  try {
    return /^cluster_enabled:1/m.test(await client.info('cluster'));
  } catch (error) {
    // A user whose ACL forbids INFO: taken as standalone; a cluster would then answer MOVED,
    // which the error mapping reports as a cluster.
    if (error instanceof Error && error.message.startsWith('NOPERM')) return false;
    throw error;
  }
}

/**
 * An ioredis Cluster client over the cluster the client's node belongs to, with the same
 * credentials, TLS and timeouts; made once, closed when the client ends.
 */
export function clusterClientOf(client: Redis): Cluster {
  const state = stateOf(client);
  if (!state.cluster) {
    const o = client.options;
    const cluster = new Cluster([{ host: o.host, port: o.port }], {
      redisOptions: {
        ...(o.username ? { username: o.username } : {}),
        ...(o.password ? { password: o.password } : {}),
        ...(o.tls ? { tls: o.tls } : {}),
        connectTimeout: o.connectTimeout,
        ...(o.commandTimeout ? { commandTimeout: o.commandTimeout } : {}),
        maxRetriesPerRequest: 1,
        autoResendUnfulfilledCommands: false,
      },
      enableAutoPipelining: true,
      clusterRetryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
    });
    cluster.on('error', () => undefined);
    state.cluster = cluster;
  }
  return state.cluster;
}

/** host:port of the server the client is connected to, or null between connections. */
function connectedServer(client: Redis): string | null {
  const stream = client.status === 'ready' ? client.stream : null;
  if (!stream?.remoteAddress) return null;
  const host = stream.remoteAddress.replace(/^::ffff:/, '');
  return `${host.includes(':') ? `[${host}]` : host}:${stream.remotePort}`;
}

async function serverVersion(client: Redis): Promise<string | null> {
  const info = await client.info('server').catch(() => '');
  return /^redis_version:(.+)$/m.exec(info)?.[1]?.trim() ?? null;
}

/** The masters that serve hash slots, from CLUSTER NODES (address without the bus port). */
function clusterMasters(nodes: string): string[] {
  return nodes
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => /master/.test(f[2] ?? '') && !/fail/.test(f[2] ?? '') && f.length > 8)
    .map((f) => f[1]!.split('@')[0]!)
    .sort();
}

/** The fewest replicas any slot-serving master has, from CLUSTER NODES (0 with no master). */
function fewestReplicas(nodes: string): number {
  const lines = nodes
    .trim()
    .split('\n')
    .map((line) => line.split(' '));
  const masters = lines.filter(
    (f) => /master/.test(f[2] ?? '') && !/fail/.test(f[2] ?? '') && f.length > 8,
  );
  const replicasOf = (id: string) =>
    lines.filter((f) => /slave/.test(f[2] ?? '') && !/fail/.test(f[2] ?? '') && f[3] === id).length;
  return masters.length ? Math.min(...masters.map((f) => replicasOf(f[0]!))) : 0;
}

/**
 * Operations a cluster answers, through the Cluster client (docs/topologies.md "Redis Cluster"):
 * every operation of the contract, as the groups of electron/core/cluster/served/ list them.
 */
export const CLUSTER_READY_OPERATIONS: readonly string[] = [
  'connectionInfo',
  ...CLUSTER_SERVED_OPERATIONS,
];

export const CLUSTER_NOTE = `Every operation is served on Redis Cluster (docs/topologies.md "Redis Cluster"): enqueues as a cross-slot protocol with recovery, changes compare-and-set per key, checks and listings over every master by hash slot; a write is reported done once a replica of each master it went to has it (WAIT per master).`;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The contract's connectionInfo: the topology, the server written to, how writes are confirmed. */
export async function describeConnection(
  client: Redis,
  policy: DurabilityPolicy,
): Promise<ConnectionInfo> {
  const topology = await detectTopology(client);
  const [version, replicas] = await Promise.all([
    serverVersion(client),
    connectedReplicas(client).catch(() => 0),
  ]);
  const server = connectedServer(client);
  const tls = Boolean(client.options.tls);
  const waited = policy.replicas === 'auto' ? Math.min(replicas, 1) : policy.replicas;
  const base = {
    topology,
    server,
    redis_version: version,
    tls,
    replicas,
    supported: true,
    durability: {
      replicas: waited,
      timeout_ms: policy.timeoutMs,
      policy: policy.replicas === 'auto' ? ('auto' as const) : ('fixed' as const),
    },
  };
  const redis = `Redis ${version ?? '(version unknown)'}${tls ? ' over TLS' : ''}`;
  const writes =
    base.durability.replicas > 0
      ? `writes wait for ${plural(base.durability.replicas, 'replica')} (up to ${policy.timeoutMs} ms)`
      : 'writes are confirmed by the primary alone';
  if (topology === 'cluster') {
    const [nodes, info] = await Promise.all([
      client.cluster('NODES') as Promise<string>,
      client.cluster('INFO') as Promise<string>,
    ]);
    const masters = clusterMasters(nodes);
    const state = /^cluster_state:(\w+)/m.exec(info)?.[1] ?? 'unknown';
    // Each master's own replicas: 'auto' waits for one on each master that has any.
    const perMaster =
      policy.replicas === 'auto' ? Math.min(fewestReplicas(nodes), 1) : policy.replicas;
    const durability = { ...base.durability, replicas: perMaster };
    const waits =
      perMaster > 0
        ? `writes wait for ${plural(perMaster, 'replica')} on each master they go to (up to ${policy.timeoutMs} ms)`
        : 'writes are confirmed by the masters alone';
    return {
      ...base,
      durability,
      cluster: { masters, state },
      summary: `Redis Cluster of ${plural(masters.length, 'master')} (state ${state}), ${redis}, reached through ${server ?? `${client.options.host}:${client.options.port}`}; ${waits}`,
      note: CLUSTER_NOTE,
    };
  }
  if (topology === 'sentinel') {
    const sentinels = (client.options.sentinels ?? []).map((s) => `${s.host}:${s.port}`);
    const name = client.options.name ?? '';
    return {
      ...base,
      sentinel: { master_name: name, sentinels },
      summary: `Sentinel master ${name}, primary ${server ?? 'not connected'} (${redis}, ${plural(replicas, 'replica')}), ${plural(sentinels.length, 'sentinel')}; ${writes}`,
    };
  }
  return {
    ...base,
    summary: `Standalone ${redis} at ${server ?? `${client.options.host}:${client.options.port}`}, ${plural(replicas, 'replica')}; ${writes}`,
  };
}
