import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, probeClient, redisServerBinary } from './redis-server';

/** A data node of the set (primary or replica; the roles swap on failover). */
export interface SentinelDataNode {
  readonly port: number;
  /** A plain client on this node for the test's own checks; closed by stop(). */
  client(): Redis;
  pause(): void;
  resume(): void;
}

export interface SentinelSet {
  readonly masterName: string;
  /** The first primary and the first replica; which is which now: currentPrimary(). */
  readonly nodes: readonly [SentinelDataNode, SentinelDataNode];
  readonly sentinelPorts: readonly number[];
  /** `redis+sentinel://127.0.0.1:a,127.0.0.1:b,127.0.0.1:c/<masterName>`. */
  readonly url: string;
  /** The primary as the sentinels report it now. */
  currentPrimary(): Promise<SentinelDataNode>;
  /**
   * Forces a failover with SENTINEL FAILOVER and resolves once the sentinels report the promoted
   * replica as primary and it answers as one. The old primary is demoted later, by the sentinels.
   */
  failover(): Promise<{ from: SentinelDataNode; to: SentinelDataNode }>;
  /** Resolves once the old primary runs as a replica of the new one, in sync. */
  waitReplicaInSync(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface SentinelSetOptions {
  masterName?: string;
  /** Extra redis-server arguments for both data nodes. */
  args?: string[];
  /** `requirepass` on the three sentinels: a client then needs it as its sentinel password. */
  sentinelPassword?: string;
}

/** A server to ask, and the password it requires (the sentinels' own). */
interface Probe {
  port: number;
  password?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function ask(port: number | Probe, ...args: string[]): Promise<unknown> {
  const { port: to, password } = typeof port === 'number' ? { port } : port;
  const client = probeClient(to, password);
  try {
    await client.connect();
    return await client.call(args[0]!, ...args.slice(1));
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  } finally {
    client.disconnect();
  }
}

async function until(what: string, timeoutMs: number, check: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`sentinel set: ${what} within ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Field `name` of a SENTINEL REPLICAS entry (a flat [k, v, k, v…] list). */
function field(entry: unknown, name: string): string | undefined {
  if (!Array.isArray(entry)) return undefined;
  const at = entry.indexOf(name);
  return at >= 0 ? String(entry[at + 1]) : undefined;
}

/**
 * A primary, one replica in sync with it, and three sentinels watching them (quorum 2, a primary
 * is judged down after 1 s), each a redis-server on a free port with its files in one temp dir.
 */
export async function startSentinelSet(options: SentinelSetOptions = {}): Promise<SentinelSet> {
  const binary = redisServerBinary();
  const masterName = options.masterName ?? 'qs-primary';
  const root = mkdtempSync(join(tmpdir(), 'queuescope-sentinel-'));
  const children: ChildProcess[] = [];
  const clients: Redis[] = [];
  const launch = (args: string[]) => {
    const child = spawn(binary, args, { stdio: 'ignore' });
    children.push(child);
    return child;
  };
  const answers = (port: number | Probe) => async () => (await ask(port, 'PING')) === 'PONG';

  const stop = async () => {
    for (const c of clients) c.disconnect();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGCONT');
            child.kill('SIGKILL');
          }),
      ),
    );
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const dataPorts = [await freePort(), await freePort()] as const;
    const nodes = dataPorts.map((port, i): SentinelDataNode => {
      const dir = join(root, `data-${port}`);
      mkdirSync(dir);
      const child = launch([
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--dir',
        dir,
        '--save',
        '',
        '--appendonly',
        'no',
        // A replica's full sync otherwise waits 5 s for more replicas to share it.
        '--repl-diskless-sync-delay',
        '0',
        ...(i === 1 ? ['--replicaof', '127.0.0.1', String(dataPorts[0])] : []),
        ...(options.args ?? []),
      ]);
      return {
        port,
        client() {
          const c = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 3 });
          c.on('error', () => undefined);
          clients.push(c);
          return c;
        },
        pause: () => void child.kill('SIGSTOP'),
        resume: () => void child.kill('SIGCONT'),
      };
    }) as [SentinelDataNode, SentinelDataNode];
    for (const port of dataPorts) await until(`${port} did not answer`, 10_000, answers(port));

    const inSync = async () => {
      const replicaPort = nodes.find((n) => n !== nodes[0])!.port;
      const info = await ask(replicaPort, 'INFO', 'replication');
      return typeof info === 'string' && info.includes('master_link_status:up');
    };
    // Sentinels learn the replicas from the primary's INFO; started before the replica is
    // attached they would only see it on their next 10 s poll.
    await until('the replica did not sync', 15_000, inSync);

    const sentinelPorts = [await freePort(), await freePort(), await freePort()];
    const sentinel = (port: number): Probe => ({ port, password: options.sentinelPassword });
    for (const port of sentinelPorts) {
      const file = join(root, `sentinel-${port}.conf`);
      writeFileSync(
        file,
        [
          `port ${port}`,
          'bind 127.0.0.1',
          `dir ${root}`,
          `sentinel monitor ${masterName} 127.0.0.1 ${dataPorts[0]} 2`,
          `sentinel down-after-milliseconds ${masterName} 1000`,
          `sentinel failover-timeout ${masterName} 5000`,
          `sentinel parallel-syncs ${masterName} 1`,
          ...(options.sentinelPassword ? [`requirepass ${options.sentinelPassword}`] : []),
          '',
        ].join('\n'),
      );
      launch([file, '--sentinel']);
    }
    for (const port of sentinelPorts)
      await until(`sentinel ${port} did not answer`, 10_000, answers(sentinel(port)));
    await until('the sentinels did not all see the replica', 15_000, async () => {
      for (const port of sentinelPorts) {
        const replicas = await ask(sentinel(port), 'SENTINEL', 'REPLICAS', masterName);
        if (!Array.isArray(replicas) || replicas.length === 0) return false;
        if (!replicas.some((r) => !/s_down|o_down|disconnected/.test(field(r, 'flags') ?? '')))
          return false;
      }
      return true;
    });

    const byPort = (port: number) => nodes.find((n) => n.port === port)!;
    const primaryPort = async (): Promise<number | null> => {
      for (const port of sentinelPorts) {
        const addr = await ask(sentinel(port), 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
        if (Array.isArray(addr)) return Number(addr[1]);
      }
      return null;
    };

    return {
      masterName,
      nodes,
      sentinelPorts,
      url: `redis+sentinel://${sentinelPorts.map((p) => `127.0.0.1:${p}`).join(',')}/${masterName}`,
      async currentPrimary() {
        const port = await primaryPort();
        if (port === null) throw new Error('sentinel set: no sentinel names a primary');
        return byPort(port);
      },
      async failover() {
        const from = byPort((await primaryPort())!);
        const to = nodes.find((n) => n !== from)!;
        await until('SENTINEL FAILOVER was not accepted', 15_000, async () => {
          // NOGOODSLAVE while a sentinel's view of the replica is stale: ask again.
          const answer = await ask(sentinel(sentinelPorts[0]!), 'SENTINEL', 'FAILOVER', masterName);
          return answer === 'OK';
        });
        await until('the sentinels did not switch to the promoted replica', 20_000, async () => {
          if ((await primaryPort()) !== to.port) return false;
          const role = await ask(to.port, 'ROLE');
          return Array.isArray(role) && role[0] === 'master';
        });
        return { from, to };
      },
      async waitReplicaInSync(timeoutMs = 30_000) {
        await until('the old primary did not rejoin as an in-sync replica', timeoutMs, async () => {
          const primary = await primaryPort();
          const other = nodes.find((n) => n.port !== primary)!;
          const info = await ask(other.port, 'INFO', 'replication');
          return (
            typeof info === 'string' &&
            info.includes('role:slave') &&
            info.includes(`master_port:${primary}`) &&
            info.includes('master_link_status:up')
          );
        });
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
