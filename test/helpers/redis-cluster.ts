import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, probeClient, redisServerBinary } from './redis-server';

/** One redis-server of the test cluster; its role may change through failovers. */
export interface ClusterNode {
  readonly port: number;
  readonly url: string;
  /** A plain client for the test's own checks on this node; closed by stop(). */
  client(): Redis;
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again on the same port and data folder (after kill). */
  restart(): Promise<void>;
}

export interface RedisCluster {
  readonly nodes: readonly ClusterNode[];
  /** The URL of one node: what a user would give Queuescope. */
  readonly url: string;
  /** The nodes that are masters right now (from CLUSTER NODES). */
  masters(): Promise<ClusterNode[]>;
  replicas(): Promise<ClusterNode[]>;
  /** Promotes a replica with CLUSTER FAILOVER (of `master` or of any master) and waits for it. */
  failover(master?: ClusterNode): Promise<{ from: ClusterNode; to: ClusterNode }>;
  /** Resolves once every live node reports cluster_state:ok and every replica is in sync. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisClusterOptions {
  masters?: number;
  replicasPerMaster?: number;
  /** cluster-node-timeout (ms): how soon a dead master is failed over. */
  nodeTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function redisCliBinary(): string {
  const found = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
  if (found.error) {
    throw new Error(
      'redis-cli was not found on PATH; it ships with redis-server (Debian/Ubuntu: `apt-get install -y redis-server`).',
    );
  }
  return 'redis-cli';
}

/** Runs one command on a node with a throwaway client; null when the node does not answer. */
async function ask(port: number, ...args: string[]): Promise<string | null> {
  const client = probeClient(port);
  try {
    await client.connect();
    return String(await client.call(args[0]!, ...args.slice(1)));
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`cluster: ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

interface NodeLine {
  port: number;
  role: 'master' | 'slave';
  masterId: string;
  id: string;
  failed: boolean;
  /** A master serving hash slots (the fields after the 8th are its slot ranges). */
  serving: boolean;
}

function parseNodes(text: string): NodeLine[] {
  return text
    .trim()
    .split('\n')
    .filter((line) => line.includes(' '))
    .map((line) => {
      const fields = line.split(' ');
      const [id, address, flags, masterId] = fields;
      const port = Number(address!.split('@')[0]!.split(':').pop());
      return {
        serving: fields.length > 8,
        id: id!,
        port,
        role: flags!.includes('master') ? ('master' as const) : ('slave' as const),
        masterId: masterId!,
        failed: /fail/.test(flags!),
      };
    });
}

/**
 * A private Redis Cluster (3 masters, 1 replica each by default) from plain redis-server processes
 * on free ports, created with `redis-cli --cluster create`; stop() kills them and removes the data.
 * The bus ports are chosen too (`cluster-port`), so no port+10000 has to be free.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const binary = redisServerBinary();
  const cli = redisCliBinary();
  const count = (options.masters ?? 3) * (1 + (options.replicasPerMaster ?? 1));
  const root = mkdtempSync(join(tmpdir(), 'queuescope-cluster-'));
  const clients: Redis[] = [];
  const nodes: Array<ClusterNode & { alive(): boolean; kill: ClusterNode['kill'] }> = [];
  const children = new Set<ChildProcess>();

  for (let i = 0; i < count; i++) {
    const port = await freePort();
    const busPort = await freePort();
    const dir = join(root, String(port));
    mkdirSync(dir);
    const args = [
      '--port',
      String(port),
      '--cluster-port',
      String(busPort),
      '--bind',
      '127.0.0.1',
      '--cluster-enabled',
      'yes',
      '--cluster-config-file',
      `nodes-${port}.conf`,
      '--cluster-node-timeout',
      String(options.nodeTimeoutMs ?? 2000),
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      // A replica's full sync otherwise waits 5 s for more replicas to share it.
      '--repl-diskless-sync-delay',
      '0',
    ];
    let child: ChildProcess | null = null;
    const exited = () =>
      new Promise<void>((resolve) =>
        !child || child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : child.once('exit', () => resolve()),
      );
    const launch = async () => {
      const started = spawn(binary, args, { stdio: 'ignore' });
      child = started;
      children.add(started);
      started.once('exit', () => children.delete(started));
      await until(
        `node ${port} did not answer`,
        10_000,
        async () => (await ask(port, 'PING')) === 'PONG',
      );
    };
    await launch();
    nodes.push({
      port,
      url: `redis://127.0.0.1:${port}`,
      client() {
        const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 3 });
        c.on('error', () => undefined);
        clients.push(c);
        return c;
      },
      alive: () => child !== null && child.exitCode === null && child.signalCode === null,
      async kill(signal = 'SIGKILL') {
        child?.kill(signal);
        await exited();
      },
      restart: launch,
    });
  }

  const stop = async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    for (const c of children) c.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  };

  const nodeLines = async (): Promise<NodeLine[]> => {
    for (const node of nodes) {
      if (!node.alive()) continue;
      const text = await ask(node.port, 'CLUSTER', 'NODES');
      if (text) return parseNodes(text);
    }
    throw new Error('cluster: no node answers CLUSTER NODES');
  };
  const byPort = (port: number) => nodes.find((n) => n.port === port)!;

  const masterCount = options.masters ?? 3;
  const waitHealthy = async (timeoutMs = 30_000) => {
    // Every live node must agree: state ok, the masters serving slots, and every other live node
    // a replica (right after a create or a failover, gossip may not have reached them all).
    await until('nodes did not all see a healthy cluster', timeoutMs, async () => {
      const alive = nodes.filter((n) => n.alive());
      for (const node of alive) {
        const info = await ask(node.port, 'CLUSTER', 'INFO');
        if (!info?.includes('cluster_state:ok')) return false;
        const view = parseNodes((await ask(node.port, 'CLUSTER', 'NODES')) ?? '');
        const live = view.filter((l) => !l.failed && byPort(l.port)?.alive());
        const serving = live.filter((l) => l.role === 'master' && l.serving).length;
        const replicas = live.filter((l) => l.role === 'slave').length;
        if (serving !== masterCount || replicas !== alive.length - masterCount) return false;
      }
      return true;
    });
    await until('replicas did not all sync with their masters', timeoutMs, async () => {
      for (const line of await nodeLines()) {
        if (line.role !== 'slave' || line.failed || !byPort(line.port).alive()) continue;
        const info = await ask(line.port, 'INFO', 'replication');
        if (!info?.includes('master_link_status:up')) return false;
      }
      return true;
    });
  };

  try {
    const created = spawnSync(
      cli,
      [
        '--cluster',
        'create',
        ...nodes.map((n) => `127.0.0.1:${n.port}`),
        '--cluster-replicas',
        String(options.replicasPerMaster ?? 1),
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0) {
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}\n${created.stderr}`);
    }
    await waitHealthy();
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    nodes,
    url: nodes[0]!.url,
    async masters() {
      return (await nodeLines())
        .filter((l) => l.role === 'master' && l.serving && !l.failed)
        .map((l) => byPort(l.port));
    },
    async replicas() {
      return (await nodeLines())
        .filter((l) => l.role === 'slave' && !l.failed)
        .map((l) => byPort(l.port));
    },
    async failover(master) {
      const lines = await nodeLines();
      const from = master
        ? lines.find((l) => l.port === master.port)!
        : lines.find((l) => l.role === 'master' && !l.failed)!;
      const replica = lines.find((l) => l.role === 'slave' && l.masterId === from.id && !l.failed);
      if (!replica) throw new Error(`cluster: master ${from.port} has no replica to promote`);
      const answer = await ask(replica.port, 'CLUSTER', 'FAILOVER');
      if (answer !== 'OK') throw new Error(`cluster: CLUSTER FAILOVER answered ${answer}`);
      await until(
        `replica ${replica.port} was not promoted`,
        20_000,
        async () => (await ask(replica.port, 'ROLE'))?.startsWith('master') === true,
      );
      await waitHealthy();
      return { from: byPort(from.port), to: byPort(replica.port) };
    },
    waitHealthy,
    stop,
  };
}
