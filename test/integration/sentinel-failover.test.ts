import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { QueuescopeError } from '../../electron/core/errors';
import { keys } from '../../electron/core/keys';
import { run } from '../../electron/cli/run';
import { sampleJob } from '../helpers/core';
import { startSentinelSet, type SentinelSet } from '../helpers/redis-sentinel';

/**
 * docs/topologies.md "Sentinel" and "Acknowledged means durable": Queuescope reaches the primary
 * through the sentinels, follows a failover, and never acknowledges a write the failover loses.
 */
let set: SentinelSet;
let core: QueueCore;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  set = await startSentinelSet();
  core = new QueueCore({ connection: { url: set.url }, flagSkewMs: 0, waitTimeoutMs: 1000 });
}, 40_000);

afterAll(async () => {
  await core?.close();
  await set?.stop();
});

interface Burst {
  /** request id -> the job id its acknowledged enqueue answered */
  acknowledged: Map<string, string>;
  unconfirmed: number;
  unavailable: number;
}

/** Enqueues until acknowledged, retrying unconfirmed and unreachable calls with the same request id. */
async function enqueueUntilAcknowledged(burst: Burst, requestId: string): Promise<void> {
  for (const deadline = Date.now() + 30_000; ; await sleep(100)) {
    try {
      const out = await core.invoke(
        'enqueue',
        sampleJob({ client_request_id: requestId, params: { request: requestId } }),
      );
      burst.acknowledged.set(requestId, out.job_id);
      return;
    } catch (error) {
      if (!(error instanceof QueuescopeError) || error.code !== 'REDIS_UNAVAILABLE') throw error;
      if (error.details?.outcome === 'unconfirmed') burst.unconfirmed += 1;
      else burst.unavailable += 1;
      if (Date.now() > deadline) throw error;
    }
  }
}

/** Every job hash of the server, counted by the request id it was enqueued with. */
async function jobsByRequest(server: Redis): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, found] = await server.scan(cursor, 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const params = JSON.parse((await server.hget(key, 'params')) ?? '{}') as { request?: string };
      if (params.request) counts.set(params.request, (counts.get(params.request) ?? 0) + 1);
    }
  } while (cursor !== '0');
  return counts;
}

/** Acknowledged jobs missing from the server (either copy), and request ids enqueued twice. */
async function audit(server: Redis, burst: Burst) {
  let lost = 0;
  for (const jobId of burst.acknowledged.values()) {
    const copies = await server.exists(keys.oldJob(jobId), keys.newJob('ws-1', jobId));
    if (copies !== 2) lost += 1;
  }
  const counts = await jobsByRequest(server);
  const duplicates = [...counts.values()].reduce((sum, n) => sum + n - 1, 0);
  const queue = await server.lrange(keys.queue, 0, -1);
  return {
    lost,
    duplicates,
    queued: queue.length,
    queuedTwice: queue.length - new Set(queue).size,
  };
}

describe('Redis behind Sentinel', () => {
  it('connects through redis+sentinel:// and shows the master name and the current primary', async () => {
    const primary = await set.currentPrimary();
    const info = await core.invoke('connectionInfo', {});
    expect(info).toMatchObject({
      topology: 'sentinel',
      server: `127.0.0.1:${primary.port}`,
      replicas: 1,
      sentinel: { master_name: set.masterName },
      durability: { replicas: 1 },
      supported: true,
    });
    expect(info.sentinel!.sentinels).toHaveLength(3);
    let out = '';
    const code = await run(['topology'], {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: () => undefined },
      env: { REDIS_URL: set.url },
    });
    expect(code).toBe(0);
    expect(out).toContain(`Sentinel master ${set.masterName}, primary 127.0.0.1:${primary.port}`);
  });

  it('a failover during a burst of 300 enqueues: 0 acknowledged jobs lost, 0 enqueued twice', async () => {
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops' });
    const burst: Burst = { acknowledged: new Map(), unconfirmed: 0, unavailable: 0 };
    const TOTAL = 300;
    const FAILOVER_AT = 100;
    let issued = 0;
    let failover: ReturnType<SentinelSet['failover']> | null = null;
    // Four callers at about 60 calls/s in all, so the failover lands mid-burst.
    const lane = async () => {
      while (issued < TOTAL) {
        const i = issued++;
        if (i === FAILOVER_AT) failover = set.failover();
        await enqueueUntilAcknowledged(burst, `burst-${i}`);
        await sleep(60);
      }
    };
    await Promise.all([lane(), lane(), lane(), lane()]);
    const { from, to } = await failover!;

    // The new primary holds every acknowledged job, each once.
    const onNewPrimary = await audit(to.client(), burst);
    // And so does the old one once it has been demoted and has resynced from the new one.
    await set.waitReplicaInSync();
    const onOldPrimary = await audit(from.client(), burst);
    console.info(
      `sentinel failover burst: ${burst.acknowledged.size} acknowledged, ${onNewPrimary.lost} lost, ${onNewPrimary.duplicates} duplicates; ${burst.unconfirmed} unconfirmed and ${burst.unavailable} unavailable answers retried`,
    );
    expect(burst.acknowledged.size).toBe(TOTAL);
    expect(onNewPrimary).toEqual({ lost: 0, duplicates: 0, queued: TOTAL, queuedTwice: 0 });
    expect(onOldPrimary).toEqual(onNewPrimary);

    // The core follows the new primary: no READONLY, writes acknowledged by its new replica.
    const info = await core.invoke('connectionInfo', {});
    expect(info.server).toBe(`127.0.0.1:${to.port}`);
    await expect(
      core.invoke('enqueue', sampleJob({ job_id: 'after-failover' })),
    ).resolves.toMatchObject({ outcome: 'enqueued' });
  });
});
