import { beforeAll, describe, expect, it } from 'vitest';
import type { Cluster, Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { DEFAULT_LEASE_MS, sweepIntents } from '../../electron/core/cluster/enqueue-cluster';
import { INTENT_PREFIX } from '../../electron/core/cluster/slot-tags';
import { protocolEnv, queueMaster, useClusterEnqueueFixture } from '../helpers/cluster-enqueue';
import { sampleJob } from '../helpers/core';
import type { ClusterNode, RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Acknowledged means durable" and "Cluster enqueue": `CLUSTER FAILOVER
 * TAKEOVER` promotes the queue's master's replica at once, without waiting for it to catch up, so
 * the writes the old master had not replicated are lost when it resyncs as a replica. Enqueues with
 * request ids run through several takeovers; each failed or unconfirmed call is retried with the
 * same request id until answered. Every acknowledged job must still have its copies and its queue
 * entry, and no request id may have two jobs or a job queued twice.
 */
let cluster: RedisCluster;
let core: QueueCore;
let direct: Cluster;

const CALLS = 600;
const CALLERS = 8;
/** The calls at which a takeover starts (the next one waits for the cluster to settle first). */
const TAKEOVER_AT = [80, 240, 400];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const fixture = useClusterEnqueueFixture();
beforeAll(() => {
  ({ cluster, core, direct } = fixture);
});

/** CLUSTER FAILOVER TAKEOVER on the master's replica, then waits until the cluster is whole. */
async function takeOver(master: ClusterNode): Promise<void> {
  for (const replica of await cluster.replicas()) {
    const client = replica.client();
    const [role, , port] = (await client.call('ROLE')) as [string, string, number];
    if (role !== 'slave' || Number(port) !== master.port) continue;
    await client.call('CLUSTER', 'FAILOVER', 'TAKEOVER');
    while (((await client.call('ROLE')) as string[])[0] !== 'master') await sleep(50);
    await cluster.waitHealthy(60_000);
    return;
  }
  throw new Error(`master ${master.port} has no replica`);
}

describe('Cluster failover durability (docs/topologies.md "Acknowledged means durable")', () => {
  it('takeovers of the queue master during a burst with request ids: 0 acknowledged but lost, 0 duplicates', async () => {
    await direct.set(keys.flag, 'on');
    await cluster.waitHealthy();
    const answers = new Map<string, string>();
    const outcomes = new Map<string, string[]>();
    let next = 0;
    let retried = 0;
    let takeovers: Promise<void> = Promise.resolve();
    let takeoversDone = 0;
    let afterLast = 0;
    const caller = async () => {
      // Until every takeover is over and some calls went out after the last one.
      while (next < CALLS || takeoversDone < TAKEOVER_AT.length || afterLast < CALLERS * 5) {
        const i = next++;
        if (TAKEOVER_AT.includes(i))
          takeovers = takeovers.then(async () => {
            await takeOver(await queueMaster(cluster));
            takeoversDone += 1;
          });
        if (takeoversDone === TAKEOVER_AT.length) afterLast += 1;
        const rid = `fd-${i}`;
        const job = sampleJob({
          workspace_id: `ws-${i % 8}`,
          client_request_id: rid,
          params: { rid },
        });
        for (let attempt = 0; ; attempt++) {
          try {
            const answer = await core.invoke('enqueue', job);
            answers.set(rid, answer.job_id);
            outcomes.set(rid, [...(outcomes.get(rid) ?? []), answer.outcome]);
            break;
          } catch (error) {
            retried += 1;
            const e = error as { code?: string; details?: { outcome?: string } };
            outcomes.set(rid, [...(outcomes.get(rid) ?? []), `${e.code}/${e.details?.outcome}`]);
            if (attempt > 600) throw error;
            await sleep(50);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CALLERS }, caller));
    await takeovers;
    await cluster.waitHealthy(60_000);

    const queue = await direct.lrange(keys.queue, 0, -1);
    const queued = new Map<string, number>();
    for (const id of queue) queued.set(id, (queued.get(id) ?? 0) + 1);
    const lost: string[] = [];
    for (const [rid, id] of answers) {
      const ws = `ws-${Number(rid.slice(3)) % 8}`;
      const there =
        (await direct.exists(keys.oldJob(id))) === 1 &&
        (await direct.exists(keys.newJob(ws, id))) === 1 &&
        queued.get(id) === 1;
      if (!there) lost.push(`${rid} (${id}): ${outcomes.get(rid)!.join(', ')}`);
    }
    // Every job on every master, by the request id it was made for.
    const jobsOf = new Map<string, number>();
    for (const node of direct.nodes('master') as Redis[]) {
      for (const key of await node.keys(`${keys.oldJob('')}*`)) {
        const { rid } = JSON.parse((await node.hget(key, 'params')) ?? '{}') as { rid: string };
        jobsOf.set(rid, (jobsOf.get(rid) ?? 0) + 1);
      }
    }
    const twice = [...jobsOf].filter(([, n]) => n > 1).map(([rid]) => rid);
    // A commit the takeover lost leaves its intent behind: the sweep rolls it forward again,
    // finding every write there, and drops it, once its lease has run out (docs/topologies.md
    // "Cluster enqueue", recovery): the core's calls hold a lease of DEFAULT_LEASE_MS, so one
    // written just before the last takeover is live for that long; one whose confirmation failed
    // is kept for the next sweep.
    const env = protocolEnv(direct);
    let swept = await sweepIntents(env);
    const sweepUntil = Date.now() + 3 * DEFAULT_LEASE_MS;
    while (swept.live + swept.unconfirmed > 0 && Date.now() < sweepUntil) {
      await sleep(250);
      swept = await sweepIntents(env);
    }
    const intents = (
      await Promise.all((direct.nodes('master') as Redis[]).map((n) => n.keys(`${INTENT_PREFIX}*`)))
    ).flat();
    console.log(
      `takeover burst: ${next} calls, ${retried} attempts retried, ${answers.size} acknowledged, ${lost.length} lost, ${twice.length} with two jobs, sweep ${JSON.stringify(swept)}${lost.length ? `: ${lost.join('; ')}` : ''}`,
    );
    expect(answers.size).toBe(next);
    expect(lost).toEqual([]);
    // One job per request id: as many old copies as request ids, each answered id among them.
    expect(new Set(answers.values()).size).toBe(next);
    expect(twice).toEqual([]);
    expect(jobsOf.size).toBe(next);
    expect([...queued.values()].every((n) => n === 1)).toBe(true);
    expect(queue.length).toBe(next);
    expect(intents).toEqual([]);
  }, 300_000);
});
