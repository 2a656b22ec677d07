import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from 'ioredis';
import { OPERATION_NAMES } from '../../shared/contract';
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { CLUSTER_READY_OPERATIONS } from '../../electron/core/redis/topology';
import { ClusterNotSupportedError } from '../../electron/core/cluster-guard';
import { run } from '../../electron/cli/run';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Redis Cluster": any node's URL is recognised as a cluster, served through
 * ioredis Cluster; connectionInfo says it is supported and how writes are confirmed (WAIT per
 * master). Every operation of the contract is served; one no cluster group lists would be refused
 * before anything is sent, with a message that says so, never a MOVED or CROSSSLOT from Redis.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;

/** Answered by the desktop app's main process, never by the core. */
const PROFILE_OPERATIONS = [
  'listProfiles',
  'saveProfile',
  'removeProfile',
  'connectProfile',
  'setWritesUnlocked',
  'startSandbox',
];

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
      supported: true,
      cluster: { masters, state: 'ok' },
      // Each master has one replica: 'auto' waits for it (docs/topologies.md "Acknowledged means durable").
      durability: { replicas: 1, timeout_ms: 1000, policy: 'auto' },
    });
    expect(info.summary).toMatch(/^Redis Cluster of 3 masters \(state ok\)/);
    expect(info.summary).toMatch(
      /; writes wait for 1 replica on each master they go to \(up to 1000 ms\)$/,
    );
    expect(info.note).toMatch(/^Every operation is served on Redis Cluster/);

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

  it('serves every operation of the contract; one no cluster group lists is refused before anything is sent, saying Redis Cluster is detected', async () => {
    const answered = OPERATION_NAMES.filter(
      (op) => !(CLUSTER_READY_OPERATIONS as readonly string[]).includes(op),
    ).filter((op) => !PROFILE_OPERATIONS.includes(op));
    // An operation added to the contract must be served on a cluster too (a group lists it).
    expect(answered).toEqual([]);
    const refusal = new ClusterNotSupportedError('someOperation', '127.0.0.1:7000');
    expect(refusal).toMatchObject({
      code: 'INTERNAL',
      details: { reason: 'cluster_unsupported', topology: 'cluster', operation: 'someOperation' },
    });
    expect(refusal.message).toMatch(
      /^Redis Cluster is detected \(through 127\.0\.0\.1:7000\), and someOperation is not supported on a cluster yet; nothing was sent/,
    );
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
