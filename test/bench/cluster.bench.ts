/**
 * The same work on a 3-master, 3-replica Redis Cluster and on one standalone redis-server, in one
 * run on one machine: enqueue with request ids (64 calls in flight, and enqueueMany in batches),
 * the divergence check, and failovers of the queue's master during bursts of enqueues (coordinated,
 * takeover, SIGKILL). The last line printed is one JSON object of figures (README "Cluster
 * figures", docs/topologies.md "Cluster figures").
 *
 *   npm run bench:cluster -- --jobs 5000 --pairs 50000 --failover-calls 300 --rounds 2   (the defaults)
 */
import { QueueCore } from '../../electron/core/core';
import { startRedisCluster } from '../helpers/redis-cluster';
import { startRedisServer } from '../helpers/redis-server';
import { expectCount, machineNote, runBatches, runInFlight } from './bench-kit';
import { divergenceOn, type DivergenceFigures } from './cluster-divergence';
import { failoverBurst } from './cluster-failover';
import {
  clusterTarget,
  flagOn,
  jobInput,
  scanAll,
  standaloneTarget,
  timed,
  type Target,
  type Timed,
} from './cluster-kit';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const JOBS = argValue('--jobs', 5000);
const PAIRS = argValue('--pairs', 50_000);
const FAILOVER_CALLS = argValue('--failover-calls', 300);
/** Rounds of the enqueue variants, cluster and standalone in turn; each figure is its best round. */
const ROUNDS = argValue('--rounds', 2);
const WARMUP = 200;
const IN_FLIGHT = 64;
const BULK = 1000;

const expectAcknowledged = (answer: { outcome: string }) => {
  if (answer.outcome !== 'enqueued') throw new Error(`unexpected ${JSON.stringify(answer)}`);
};

const variants = {
  enqueue_64: (target: Target, run: string, jobs: number) =>
    runInFlight(jobs, IN_FLIGHT, async (i) =>
      expectAcknowledged(await target.core.invoke('enqueue', jobInput(run, i))),
    ),
  enqueue_bulk: (target: Target, run: string, jobs: number) =>
    runBatches(jobs, BULK, async (start, n) => {
      const batch = Array.from({ length: n }, (_, j) => jobInput(run, start + j));
      const { results } = await target.core.invoke('enqueueMany', { jobs: batch });
      results.forEach(expectAcknowledged);
    }),
};

type EnqueueFigures = Partial<Record<keyof typeof variants, Timed>>;

/**
 * Each enqueue variant on a target, timed from an empty keyspace with the flag on (warmed up in
 * the first round); a figure is the variant's best round, for a machine busy with other work.
 */
async function enqueueOn(target: Target, round: number, best: EnqueueFigures): Promise<void> {
  for (const [name, variant] of Object.entries(variants) as Array<
    [keyof typeof variants, (typeof variants)[keyof typeof variants]]
  >) {
    if (round === 1) {
      await target.reset();
      await flagOn(target);
      await variant(target, `warm-${name}`, WARMUP);
    }
    await target.reset();
    await flagOn(target);
    const f = await timed(target, JOBS, () => variant(target, `${name}-${round}`, JOBS));
    expectCount(`${target.name} ${name} jobs`, (await scanAll(target, 'ai:jobs:*')).length, JOBS);
    if (!best[name] || f.perSec > best[name].perSec) best[name] = f;
    console.log(
      `${target.name} ${name}#${round}: ${f.perSec} jobs/s (${f.ms} ms), Redis CPU ${f.redisUsPer} µs/job (replicas ${f.replicaUsPer})`,
    );
  }
}

function describeCheck(name: string, f: DivergenceFigures): void {
  console.log(
    f.served
      ? `${name} divergence check: ${f.pairs} pairs, ${f.pairs_per_s} pairs/s, Redis CPU ${f.redis_us_per_pair} µs/pair, found exactly: ${f.exact}`
      : `${name} divergence check: ${f.reason}`,
  );
}

async function main(): Promise<void> {
  console.log(
    `cluster bench: ${JOBS} jobs per enqueue variant and round (${ROUNDS} rounds, best kept; ${IN_FLIGHT} in flight with request ids, bulk ${BULK}), ${PAIRS} pairs checked, ${FAILOVER_CALLS}+ calls through a failover`,
  );
  const server = await startRedisServer();
  const cluster = await startRedisCluster().catch(async (error: unknown) => {
    await server.stop();
    throw error;
  });
  const standalone = standaloneTarget(
    server,
    new QueueCore({ connection: { url: server.url }, defaultFlag: 'on' }),
  );
  const onCluster = clusterTarget(
    cluster,
    new QueueCore({ connection: { url: cluster.url }, defaultFlag: 'on' }),
  );
  try {
    console.log(
      `standalone on port ${server.port}; cluster of ${(await cluster.masters()).length} masters and ${(await cluster.replicas()).length} replicas on ports ${cluster.nodes.map((n) => n.port).join(', ')}`,
    );
    const clusterBest: EnqueueFigures = {};
    const standaloneBest: EnqueueFigures = {};
    for (let round = 1; round <= ROUNDS; round++) {
      await enqueueOn(onCluster, round, clusterBest);
      await enqueueOn(standalone, round, standaloneBest);
    }
    const clusterEnqueue = clusterBest as Required<EnqueueFigures>;
    const standaloneEnqueue = standaloneBest as Required<EnqueueFigures>;
    const clusterCheck = await divergenceOn(onCluster, PAIRS);
    describeCheck('cluster', clusterCheck);
    const standaloneCheck = await divergenceOn(standalone, PAIRS);
    describeCheck('standalone', standaloneCheck);
    // Last: the failovers leave the cluster with other masters than it started with.
    const burst = (mode: 'manual' | 'takeover' | 'kill') =>
      failoverBurst(cluster, onCluster, {
        calls: FAILOVER_CALLS,
        callers: 8,
        failoverAt: Math.floor(FAILOVER_CALLS / 3),
        mode,
      });
    const failover = await burst('manual');
    console.log(`CLUSTER FAILOVER during a burst: ${JSON.stringify(failover)}`);
    const takeover = await burst('takeover');
    console.log(`CLUSTER FAILOVER TAKEOVER during a burst: ${JSON.stringify(takeover)}`);
    const killed = await burst('kill');
    console.log(`master SIGKILLed during a burst: ${JSON.stringify(killed)}`);

    const pairsPerSec = (f: DivergenceFigures) => (f.served ? f.pairs_per_s : null);
    const summary = {
      jobs: JOBS,
      pairs: PAIRS,
      machine: machineNote(
        'six cluster servers, the standalone server and the bench share the cores',
      ),
      cluster_enqueue_64: clusterEnqueue.enqueue_64.perSec,
      standalone_enqueue_64: standaloneEnqueue.enqueue_64.perSec,
      cluster_enqueue_bulk: clusterEnqueue.enqueue_bulk.perSec,
      standalone_enqueue_bulk: standaloneEnqueue.enqueue_bulk.perSec,
      cluster_divergence_pairs_per_s: pairsPerSec(clusterCheck),
      standalone_divergence_pairs_per_s: pairsPerSec(standaloneCheck),
      ...(clusterCheck.served ? {} : { cluster_divergence: clusterCheck.reason }),
      divergence_found_exact: {
        cluster: clusterCheck.served ? clusterCheck.exact : null,
        standalone: standaloneCheck.served ? standaloneCheck.exact : null,
      },
      failover_calls: failover.calls,
      failover_acknowledged: failover.acknowledged,
      failover_retried_attempts: failover.retried_attempts,
      failover_confirmed_lost: failover.confirmed_lost,
      failover_duplicates: failover.duplicates,
      failover_ms: failover.failover_ms,
      takeover_calls: takeover.calls,
      takeover_retried_attempts: takeover.retried_attempts,
      takeover_confirmed_lost: takeover.confirmed_lost,
      takeover_duplicates: takeover.duplicates,
      kill_failover_calls: killed.calls,
      kill_failover_retried_attempts: killed.retried_attempts,
      kill_failover_confirmed_lost: killed.confirmed_lost,
      kill_failover_duplicates: killed.duplicates,
      kill_failover_ms: killed.failover_ms,
      // µs of Redis CPU (user + sys) per job or pair, summed over every server of the topology:
      // on the cluster that includes the three replicas applying the writes.
      redis_cpu_us_per_job: {
        cluster_64: clusterEnqueue.enqueue_64.redisUsPer,
        standalone_64: standaloneEnqueue.enqueue_64.redisUsPer,
        cluster_bulk: clusterEnqueue.enqueue_bulk.redisUsPer,
        standalone_bulk: standaloneEnqueue.enqueue_bulk.redisUsPer,
      },
      cluster_replica_cpu_us_per_job: {
        enqueue_64: clusterEnqueue.enqueue_64.replicaUsPer,
        enqueue_bulk: clusterEnqueue.enqueue_bulk.replicaUsPer,
      },
      redis_cpu_us_per_pair: {
        cluster: clusterCheck.served ? clusterCheck.redis_us_per_pair : null,
        standalone: standaloneCheck.served ? standaloneCheck.redis_us_per_pair : null,
      },
    };
    console.log(JSON.stringify(summary));
  } finally {
    await onCluster.close();
    await standalone.close();
    await cluster.stop();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
