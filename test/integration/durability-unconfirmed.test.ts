import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueCore, type CoreOptions } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { runCli } from '../helpers/cli';
import { sampleJob } from '../helpers/core';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';

/**
 * docs/topologies.md "Acknowledged means durable": on a primary with a replica, a write is
 * reported done only once the replica has it (WAIT); otherwise it is unconfirmed, never done.
 */
let primary: RedisServer;
let replica: RedisServer;
let lone: RedisServer;
let redis: Redis;
const cores: QueueCore[] = [];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function replicaInSync(): Promise<void> {
  const client = replica.client();
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    const info = await client.info('replication');
    if (info.includes('master_link_status:up')) return;
  }
  throw new Error('the replica did not sync');
}

async function waitCalls(server: Redis): Promise<number> {
  const stats = await server.info('commandstats');
  return Number(/cmdstat_wait:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

/** A core whose writes wait long enough for a replica on a busy machine. */
function core(options: CoreOptions = {}, url = primary.url): QueueCore {
  const made = new QueueCore({ connection: { url }, waitTimeoutMs: 2000, ...options });
  cores.push(made);
  return made;
}

/** A core that gives up on the replica soon: for the calls made while it is stopped. */
const impatient = () => core({ waitTimeoutMs: 300 });

/** Runs with the replica stopped (SIGSTOP), so no WAIT can be answered, and resumes it after. */
async function withReplicaPaused<T>(work: () => Promise<T>): Promise<T> {
  replica.pause();
  try {
    return await work();
  } finally {
    replica.resume();
  }
}

beforeAll(async () => {
  // A replica's full sync otherwise waits 5 s for more replicas to share it.
  primary = await startRedisServer({ args: ['--repl-diskless-sync-delay', '0'] });
  replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(primary.port)] });
  lone = await startRedisServer();
  redis = primary.client();
  await replicaInSync();
});

beforeEach(async () => {
  await redis.flushall();
  await replicaInSync();
});

afterAll(async () => {
  await Promise.all(cores.map((c) => c.close()));
  await Promise.all([primary, replica, lone].map((s) => s?.stop()));
});

describe('writes wait for a replica where the primary has one', () => {
  it('an enqueue is acknowledged once the replica has it, and connectionInfo says writes wait', async () => {
    const c = core();
    const before = await waitCalls(redis);
    await expect(c.invoke('enqueue', sampleJob({ job_id: 'j1' }))).resolves.toEqual({
      outcome: 'enqueued',
      job_id: 'j1',
    });
    expect(await waitCalls(redis)).toBeGreaterThan(before);
    expect(await replica.client().exists(keys.oldJob('j1'))).toBe(1);
    const info = await c.invoke('connectionInfo', {});
    expect(info).toMatchObject({
      topology: 'standalone',
      replicas: 1,
      durability: { replicas: 1, timeout_ms: 2000, policy: 'auto' },
    });
    expect(info.summary).toMatch(/writes wait for 1 replica/);
  });

  it('an enqueue no replica confirms in time is unconfirmed, never enqueued; the retry with the same request id enqueues it once', async () => {
    const c = impatient();
    await c.invoke('getFlag', {});
    const input = sampleJob({ client_request_id: 'req-1' });
    const error = await withReplicaPaused(() =>
      c.invoke('enqueue', input).catch((e: unknown) => e),
    );
    expect(error).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: {
        outcome: 'unconfirmed',
        operation: 'enqueue',
        replicas_required: 1,
        replicas_acknowledged: 0,
        timeout_ms: 300,
      },
    });
    const jobId = (error as { details: { job_id: string } }).details.job_id;
    expect((error as Error).message).toMatch(
      /not reported as enqueued.*same client_request_id \(req-1\)/,
    );
    await replicaInSync();
    await expect(core().invoke('enqueue', input)).resolves.toEqual({
      outcome: 'duplicate',
      job_id: jobId,
    });
    expect(await redis.lrange(keys.queue, 0, -1)).toEqual([jobId]);
  });

  it('enqueueMany reports each job it wrote as unconfirmed, and leaves its other outcomes as they are', async () => {
    await core().invoke('enqueue', sampleJob({ job_id: 'old', client_request_id: 'dup' }));
    const c = impatient();
    await c.invoke('getFlag', {});
    const { results } = await withReplicaPaused(() =>
      c.invoke('enqueueMany', {
        jobs: [
          sampleJob({ job_id: 'a' }),
          sampleJob({ client_request_id: 'dup' }),
          sampleJob({ job_id: 'bad id' }),
        ],
      }),
    );
    expect(results[0]).toMatchObject({
      outcome: 'error',
      error: {
        code: 'REDIS_UNAVAILABLE',
        details: { outcome: 'unconfirmed', job_id: 'a', index: 0 },
      },
    });
    expect(results[1]).toEqual({ outcome: 'duplicate', job_id: 'old' });
    expect(results[2]).toMatchObject({ outcome: 'error', error: { code: 'VALIDATION' } });
  });

  it('a status change no replica confirms is unconfirmed and audited as such', async () => {
    await core().invoke('enqueue', sampleJob({ job_id: 'j2' }));
    const c = impatient();
    await c.invoke('getFlag', {});
    const error = await withReplicaPaused(() =>
      c
        .invoke('updateStatus', { job_id: 'j2', status: 'running' }, { actor: 'ops' })
        .catch((e: unknown) => e),
    );
    expect(error).toMatchObject({ details: { outcome: 'unconfirmed', job_id: 'j2' } });
    expect((error as Error).message).toMatch(/change to job j2 was applied on the primary/);
    const [entry] = await c.invoke('audit', { limit: 1 });
    expect(entry).toMatchObject({ operation: 'updateStatus', outcome: 'unconfirmed' });
  });

  it('a primary that loses its replica keeps refusing to acknowledge until the connection is renewed', async () => {
    const c = impatient();
    // Connected while the primary has its replica: the core learns it then.
    await c.invoke('getFlag', {});
    // The replica leaves, as the promoted one does in a failover: the primary then has none.
    await replica.client().replicaof('NO', 'ONE');
    try {
      await expect(c.invoke('enqueue', sampleJob({ job_id: 'after' }))).rejects.toMatchObject({
        details: { outcome: 'unconfirmed' },
      });
    } finally {
      await replica.client().replicaof('127.0.0.1', String(primary.port));
    }
  });

  it('QUEUESCOPE_WAIT_REPLICAS=0 turns the wait off', async () => {
    const c = core({ waitReplicas: 0, waitTimeoutMs: 300 });
    await expect(
      withReplicaPaused(() => c.invoke('enqueue', sampleJob({ job_id: 'j3' }))),
    ).resolves.toEqual({ outcome: 'enqueued', job_id: 'j3' });
  });

  it('a primary without replicas acknowledges at once and sends no WAIT', async () => {
    const c = core({}, lone.url);
    const before = await waitCalls(lone.client());
    await c.invoke('enqueue', sampleJob({ job_id: 'j4' }));
    expect(await waitCalls(lone.client())).toBe(before);
    expect((await c.invoke('connectionInfo', {})).durability).toMatchObject({ replicas: 0 });
  });

  it('a write sent to a replica is refused as such, with what to connect to instead', async () => {
    const c = core({}, replica.url);
    await expect(c.invoke('enqueue', sampleJob({ job_id: 'j5' }))).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'replica' },
      message: expect.stringMatching(/read-only replica.*redis\+sentinel/),
    });
  });
});

describe('the command line', () => {
  const cli = (env: Record<string, string>, ...argv: string[]) =>
    runCli({ REDIS_URL: primary.url, QUEUESCOPE_OPERATOR: 'ops', ...env }, argv);
  const enqueue = [
    'enqueue',
    '--workspace',
    'acme',
    '--provider',
    'p',
    '--action',
    'a',
    '--actor',
    'u',
  ];

  it('exits 6 for an unconfirmed write, and 0 when the retry finds it', async () => {
    const env = { QUEUESCOPE_WAIT_TIMEOUT_MS: '200' };
    const first = await withReplicaPaused(() =>
      cli(env, '--json', ...enqueue, '--request-id', 'r9'),
    );
    expect(first.code).toBe(6);
    const error = JSON.parse(first.err) as { details: { outcome: string; job_id: string } };
    expect(error.details.outcome).toBe('unconfirmed');
    await replicaInSync();
    const again = await cli({}, '--json', ...enqueue, '--request-id', 'r9');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out)).toEqual({ outcome: 'duplicate', job_id: error.details.job_id });
  });

  it('refuses a QUEUESCOPE_WAIT_REPLICAS it cannot read, before anything is sent', async () => {
    const r = await cli({ QUEUESCOPE_WAIT_REPLICAS: 'all' }, ...enqueue);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/QUEUESCOPE_WAIT_REPLICAS must be auto or a number/);
    expect(await redis.dbsize()).toBe(0);
  });
});
