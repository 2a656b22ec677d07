import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { OPERATION_NAMES } from '../../shared/contract';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { CLUSTER_READY_OPERATIONS } from '../../electron/core/redis/topology';
import { run } from '../../electron/cli/run';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Redis Cluster": any node's URL is recognised as a cluster. Single-key reads
 * work through ioredis Cluster; every other operation is refused before anything is sent, with a
 * message that says so, never a MOVED or CROSSSLOT from Redis.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;

/** A valid input for every operation a cluster refuses; validation runs before the refusal. */
const REFUSED_INPUTS: Record<string, unknown> = {
  updateStatus: { job_id: 'j1', status: 'running', workspace_id: 'ws-1' },
  retry: { job_id: 'j1', workspace_id: 'ws-1', actor_id: 'ops' },
  listWorkspaces: {},
  listJobs: { workspace_id: 'ws-1' },
  setFlag: { value: 'on', actor_id: 'ops' },
  indexStep: { steps: 1 },
  divergenceCheck: {},
  repair: { dry_run: true, actor_id: 'ops' },
  divergenceReports: { limit: 5 },
  divergenceReport: { id: 'r-1' },
  metrics: { window: '1h' },
  metricsPrometheus: {},
  audit: { limit: 5 },
  overview: {},
  findJob: { query: 'j1' },
  queuePage: {},
  removeFromQueue: { job_id: 'j1', reason: 'poison', actor_id: 'ops' },
};
/** Answered by the desktop app's main process, never by the core. */
const PROFILE_OPERATIONS = [
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'connectProfile',
  'setWritesUnlocked',
  'startSandbox',
];

/** MOVED, ASK and CROSSSLOT errors any node has answered: none means no keyed command was misrouted. */
async function redirectErrors(): Promise<number> {
  let total = 0;
  for (const node of cluster.nodes) {
    const stats = await node.client().info('errorstats');
    for (const m of stats.matchAll(/errorstat_(?:MOVED|ASK|CROSSSLOT):count=(\d+)/g)) {
      total += Number(m[1]);
    }
  }
  return total;
}

/** Runs a command; one that serves until stopped is stopped once its output says `until`. */
async function cli(...argv: string[]) {
  return cliUntil(null, ...argv);
}

async function cliUntil(until: RegExp | null, ...argv: string[]) {
  let out = '';
  let err = '';
  const stop = new AbortController();
  const code = await run(argv, {
    stdout: {
      write: (s: string) => {
        out += s;
        if (until?.test(out)) stop.abort();
      },
    },
    stderr: { write: (s: string) => (err += s) },
    env: { REDIS_URL: cluster.url, QUEUESCOPE_OPERATOR: 'ops' },
    signal: stop.signal,
  });
  return { code, out, err };
}

beforeAll(async () => {
  cluster = await startRedisCluster();
  core = new QueueCore({ connection: { url: cluster.url } });
  direct = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
}, 40_000);

afterAll(async () => {
  direct?.disconnect();
  await core?.close();
  await cluster?.stop();
});

describe('Redis Cluster', () => {
  it("any node's URL is a cluster: connectionInfo names its three masters, through a replica too", async () => {
    const masters = (await cluster.masters()).map((n) => `127.0.0.1:${n.port}`).sort();
    const info = await core.invoke('connectionInfo', {});
    expect(info).toMatchObject({
      topology: 'cluster',
      supported: false,
      cluster: { masters, state: 'ok' },
      durability: { replicas: 0 },
    });
    expect(info.summary).toMatch(/^Redis Cluster of 3 masters \(state ok\)/);
    expect(info.note).toMatch(/not supported yet/);

    const replica = (await cluster.replicas())[0]!;
    const viaReplica = new QueueCore({ connection: { url: replica.url } });
    try {
      await expect(viaReplica.invoke('connectionInfo', {})).resolves.toMatchObject({
        topology: 'cluster',
        cluster: { masters },
      });
    } finally {
      await viaReplica.close();
    }
  });

  it('refuses every operation that spans slots before anything is sent, saying Redis Cluster is detected', async () => {
    const answered = OPERATION_NAMES.filter(
      (op) => !(CLUSTER_READY_OPERATIONS as readonly string[]).includes(op),
    ).filter((op) => !PROFILE_OPERATIONS.includes(op));
    expect(answered.filter((op) => !(op in REFUSED_INPUTS))).toEqual([]);

    const before = await redirectErrors();
    for (const op of answered) {
      const error = await core.invoke(op as 'enqueue', REFUSED_INPUTS[op], { actor: 'ops' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error, op).toMatchObject({
        code: 'INTERNAL',
        details: { reason: 'cluster_unsupported', topology: 'cluster', operation: op },
      });
      expect((error as Error).message, op).toMatch(
        new RegExp(
          `^Redis Cluster is detected .*${op} is not supported on a cluster yet; nothing was sent`,
        ),
      );
    }
    expect(await redirectErrors()).toBe(before);
    // Nothing written, not even an audit entry of the refusals.
    for (const key of [keys.audit, keys.queue, keys.flag]) expect(await direct.exists(key)).toBe(0);
  });

  it('reads the flag and single jobs on whichever master holds them, through the Cluster client', async () => {
    await direct.set(keys.flag, 'on');
    await direct.hset(keys.oldJob('j-7'), {
      job_id: 'j-7',
      workspace_id: 'ws-1',
      status: 'pending',
    });
    await direct.hset(keys.newJob('ws-1', 'j-7'), {
      job_id: 'j-7',
      workspace_id: 'ws-1',
      status: 'running',
    });
    try {
      await expect(core.invoke('getFlag', {})).resolves.toEqual({
        new_schema: 'on',
        source: 'redis',
      });
      await expect(
        core.invoke('getJob', { job_id: 'j-7', workspace_id: 'ws-1' }),
      ).resolves.toMatchObject({
        source: 'new',
        job: { status: 'running' },
      });
      const both = await core.invoke('inspectJob', { job_id: 'j-7', workspace_id: 'ws-1' });
      expect(both.old).toMatchObject({ status: 'pending' });
      expect(both.new).toMatchObject({ status: 'running' });
      expect(both.differences).toContain('status');
    } finally {
      // One key a call: a command naming keys of two slots is refused (CROSSSLOT).
      for (const key of [keys.flag, keys.oldJob('j-7'), keys.newJob('ws-1', 'j-7')]) {
        await direct.del(key);
      }
    }
  });

  it('the command line: topology exits 0, enqueue enqueues, metrics reads, serve starts', async () => {
    const topology = await cli('topology');
    expect(topology.code).toBe(0);
    expect(topology.out).toMatch(/Redis Cluster of 3 masters/);

    const enqueue = await cli(
      '--json',
      'enqueue',
      '--workspace',
      'acme',
      '--provider',
      'p',
      '--action',
      'a',
      '--actor',
      'u',
    );
    // Enqueue runs on a cluster as the cross-slot protocol (docs/topologies.md "Cluster enqueue").
    expect(enqueue.code, enqueue.err).toBe(0);
    expect(JSON.parse(enqueue.out)).toMatchObject({ outcome: 'enqueued' });
    // Reads and listings are served on a cluster (cluster-reads.test.ts).
    const metrics = await cli('metrics');
    expect(metrics.code, metrics.err).toBe(0);

    // serve starts on a cluster and names it (docs/topologies.md "Seeing the topology").
    const serve = await cliUntil(/Ctrl-C to stop/, 'serve', '--port', '0', '--no-index');
    expect(serve.code, serve.err).toBe(0);
    expect(serve.out).toMatch(/Queuescope console: http:\/\/127\.0\.0\.1:\d+/);
    expect(serve.out).toMatch(/Redis: Redis Cluster of 3 masters/);
  });

  it('after a failover the promoted replica is listed among the masters, and single-key reads still work', async () => {
    await direct.set(keys.flag, 'on');
    const { from, to } = await cluster.failover();
    const info = await core.invoke('connectionInfo', {});
    expect(info.cluster!.masters).toContain(`127.0.0.1:${to.port}`);
    expect(info.cluster!.masters).not.toContain(`127.0.0.1:${from.port}`);
    await expect(core.invoke('getFlag', {})).resolves.toEqual({
      new_schema: 'on',
      source: 'redis',
    });
  });
});
