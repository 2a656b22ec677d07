/**
 * `bench:cluster`'s failover figures: the queue's master is failed over during a burst of enqueues
 * with request ids, each failed or unconfirmed call retried with the same request id until answered
 * (docs/topologies.md "Acknowledged means durable"). Then every acknowledged job is looked for (its
 * old copy and its queue entry), and every request id counted by its jobs and queue entries.
 *
 * Two ways: `manual` is `CLUSTER FAILOVER`, which holds the master's clients until its replica has
 * caught up; `kill` SIGKILLs the master, lets the cluster promote its replica after the node
 * timeout, and starts the old one again (it comes back as a replica).
 */
import type { Cluster } from 'ioredis';
import { keys } from '../../electron/core/keys';
import type { ClusterNode, RedisCluster } from '../helpers/redis-cluster';
import { flagOn, jobInput, scanAll, type Target } from './cluster-kit';

export interface FailoverFigures {
  calls: number;
  acknowledged: number;
  /** Attempts that failed or were unconfirmed and were retried. */
  retried_attempts: number;
  /** Acknowledged jobs whose old copy or queue entry is gone after the failover. */
  confirmed_lost: number;
  /** Request ids with more than one job, or whose job is queued more than once. */
  duplicates: number;
  failover_ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An attempt's error as one short word: its code and outcome (unconfirmed, unknown) if any. */
function describeError(error: unknown): string {
  const e = error as { code?: string; details?: { outcome?: string } };
  return [e.code ?? 'error', e.details?.outcome].filter(Boolean).join('/');
}

/** The master whose slot holds the queue: every enqueue pushes there. */
async function queueMaster(cluster: RedisCluster, data: Cluster) {
  const slot = Number(await data.call('CLUSTER', 'KEYSLOT', keys.queue));
  const ranges = (await data.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number]]>;
  const owner = ranges.find(([from, to]) => slot >= from && slot <= to)![2][1];
  return (await cluster.masters()).find((m) => m.port === owner)!;
}

/** SIGKILLs `master`, waits until another node serves its slots, then starts it again. */
async function killOver(cluster: RedisCluster, master: ClusterNode): Promise<void> {
  await master.kill('SIGKILL');
  for (;;) {
    const masters = await cluster.masters().catch(() => [] as ClusterNode[]);
    if (masters.length === 3 && !masters.includes(master)) break;
    await sleep(100);
  }
  await master.restart();
}

/**
 * `CLUSTER FAILOVER TAKEOVER` on the master's replica: promoted at once, without the master's
 * agreement or waiting to catch up, as a replica on the majority side of a partition would be.
 */
async function takeOver(cluster: RedisCluster, master: ClusterNode): Promise<void> {
  for (const replica of await cluster.replicas()) {
    const client = replica.client();
    const [role, , masterPort] = (await client.call('ROLE')) as [string, string, number];
    if (role !== 'slave' || Number(masterPort) !== master.port) continue;
    await client.call('CLUSTER', 'FAILOVER', 'TAKEOVER');
    while (((await client.call('ROLE')) as string[])[0] !== 'master') await sleep(50);
    return;
  }
  throw new Error(`cluster: master ${master.port} has no replica to take over`);
}

const FAILOVERS = {
  manual: (cluster: RedisCluster, master: ClusterNode) => cluster.failover(master),
  takeover: takeOver,
  kill: killOver,
};

export async function failoverBurst(
  cluster: RedisCluster,
  target: Target,
  options: { calls: number; callers: number; failoverAt: number; mode: keyof typeof FAILOVERS },
): Promise<FailoverFigures> {
  await target.reset();
  await flagOn(target);
  const data = target.data as Cluster;
  const master = await queueMaster(cluster, data);
  const answers = new Map<string, string>();
  /** How each request id was answered: its outcome and the errors of the attempts before. */
  const history = new Map<string, string[]>();
  let retried = 0;
  let next = 0;
  let failover: Promise<unknown> | null = null;
  let failoverDone = false;
  let failoverMs = 0;
  let afterFailover = 0;
  const note = (rid: string, what: string) => history.set(rid, [...(history.get(rid) ?? []), what]);
  // The callers go on until the failover is over and some calls went to the new master.
  const caller = async () => {
    while (next < options.calls || !failoverDone || afterFailover < options.callers * 5) {
      const i = next++;
      if (i === options.failoverAt) {
        const t0 = performance.now();
        const over = FAILOVERS[options.mode](cluster, master);
        failover = over.finally(() => {
          failoverDone = true;
          failoverMs = Math.round(performance.now() - t0);
        });
      }
      if (failoverDone) afterFailover += 1;
      const job = jobInput('fo', i);
      for (let attempt = 0; ; attempt++) {
        try {
          const answer = await target.core.invoke('enqueue', job);
          answers.set(job.client_request_id, answer.job_id);
          note(job.client_request_id, answer.outcome);
          break;
        } catch (error) {
          retried += 1;
          note(job.client_request_id, describeError(error));
          if (attempt > 300) throw error;
          await sleep(100);
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.callers }, caller));
  await failover;
  await cluster.waitHealthy(60_000);

  const queue = await data.lrange(keys.queue, 0, -1);
  const queued = new Map<string, number>();
  for (const id of queue) queued.set(id, (queued.get(id) ?? 0) + 1);
  let lost = 0;
  for (const [rid, id] of answers) {
    const old = await data.exists(keys.oldJob(id));
    if (old && queued.get(id)) continue;
    lost += 1;
    const gone = [old ? '' : 'old copy', queued.get(id) ? '' : 'queue entry'].filter(Boolean);
    console.log(
      `  ${options.mode}: acknowledged ${rid} (${id}) lost its ${gone.join(' and ')}; answers: ${history.get(rid)!.join(', ')}`,
    );
  }
  const jobsByRequest = new Map<string, string[]>();
  for (const key of await scanAll(target, `${keys.oldJob('')}*`)) {
    const rid = JSON.parse((await data.hget(key, 'params')) ?? '{}').rid as string | undefined;
    if (rid) jobsByRequest.set(rid, [...(jobsByRequest.get(rid) ?? []), key]);
  }
  let duplicates = 0;
  for (const [rid, jobKeys] of jobsByRequest) {
    const id = answers.get(rid);
    if (jobKeys.length > 1 || (id && (queued.get(id) ?? 0) > 1)) duplicates += 1;
  }
  return {
    calls: next,
    acknowledged: answers.size,
    retried_attempts: retried,
    confirmed_lost: lost,
    duplicates,
    failover_ms: failoverMs,
  };
}
