/**
 * Enqueue throughput of the core against its limit (the same Lua script called straight through
 * ioredis) and against BullMQ, on a private redis-server, all in one process so the ratios compare
 * like with like. The last line printed is one JSON object of jobs/s figures and ratios.
 *
 *   npm run bench:enqueue
 *   env: BENCH_JOBS=100000 per variant, BENCH_WARMUP=10000, BENCH_ROUNDS=1, BENCH_ONLY=core_64,...
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import { QueueCore } from '../../electron/core/core';
import { DEFAULT_CONFIG } from '../../electron/core/context';
import { keys, minuteOf } from '../../electron/core/keys';
import { scripts } from '../../electron/core/scripts';
import { startRedisServer } from '../helpers/redis-server';
import { pinRedisApart } from './pin-cpus';
import {
  expectCount,
  measure,
  resetServer,
  runBatches,
  runInFlight,
  type RunFigures,
} from './bench-kit';

const JOBS = Number(process.env.BENCH_JOBS ?? 100_000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 10_000);
const IN_FLIGHT = 64;
const BULK = 1000;
/**
 * addBulk chunk sizes tried; the faster is BullMQ's figure. Its client cost per job grows with the
 * chunk (one MULTI of a script call per job): 250 to 500 cost the least in one loaded run,
 * 2,000 and more cost more, so nothing larger than 1,000 is tried.
 */
const BULLMQ_CHUNKS = [250, 1000];
const SLOW_US = 5000;
const WORKSPACES = 16;
/** Comma-separated subset of variants to run (for profiling one of them); the JSON line needs all. */
const ONLY = process.env.BENCH_ONLY?.split(',');
/** Rounds over all variants; each figure is then the variant's best round (for a busy machine). */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);

/** One job as a caller would build it: 16 workspaces, a small params object, a request id each. */
function jobInput(run: string, i: number) {
  return {
    workspace_id: `ws-${i % WORKSPACES}`,
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'user-1',
    params: { to: 'a@example.com', subject: 'Weekly report', n: i },
    client_request_id: `${run}-${i}`,
  };
}

type Variant = (run: string, jobs: number) => Promise<void>;

async function main(): Promise<void> {
  const server = await startRedisServer({
    args: ['--slowlog-log-slower-than', String(SLOW_US), '--slowlog-max-len', '1000'],
  });
  const admin = server.client();
  // Redis on a core of its own, as bench:migration does: the variants then compete for Redis
  // rather than for a core shared with their own client.
  const pinned = await pinRedisApart(admin);
  const core = new QueueCore({ connection: { url: server.url }, defaultFlag: 'on' });
  // The limit is the faster of the two ways to call a script straight through ioredis: each call
  // written at once (default), or gathered per tick by auto-pipelining.
  const bare = new Redis({ host: '127.0.0.1', port: server.port });
  const barePipelined = new Redis({
    host: '127.0.0.1',
    port: server.port,
    enableAutoPipelining: true,
  });
  for (const client of [bare, barePipelined])
    client.defineCommand('benchEnqueue', { lua: scripts.enqueue.lua });
  const bullQueue = new Queue('bench', { connection: { host: '127.0.0.1', port: server.port } });
  const flagOn = () => admin.set(keys.flag, 'on');

  const queuedJobs = async () => admin.llen(keys.queue);
  const expectEnqueued = (outcome: { outcome: string }) => {
    if (outcome.outcome !== 'enqueued') throw new Error(`unexpected ${JSON.stringify(outcome)}`);
  };

  const variants: Record<string, { run: Variant; count: () => Promise<number> }> = {
    core_1: {
      run: (run, jobs) =>
        runInFlight(jobs, 1, async (i) =>
          expectEnqueued(await core.invoke('enqueue', jobInput(run, i))),
        ),
      count: queuedJobs,
    },
    core_64: {
      run: (run, jobs) =>
        runInFlight(jobs, IN_FLIGHT, async (i) =>
          expectEnqueued(await core.invoke('enqueue', jobInput(run, i))),
        ),
      count: queuedJobs,
    },
    core_bulk: {
      run: (run, jobs) =>
        runBatches(jobs, BULK, async (start, n) => {
          const batch = Array.from({ length: n }, (_, j) => jobInput(run, start + j));
          const { results } = await core.invoke('enqueueMany', { jobs: batch });
          results.forEach(expectEnqueued);
        }),
      count: queuedJobs,
    },
    bare_lua_64: {
      run: (run, jobs) => runInFlight(jobs, IN_FLIGHT, (i) => bareEnqueue(bare, jobInput(run, i))),
      count: queuedJobs,
    },
    bare_lua_64_autopipelined: {
      run: (run, jobs) =>
        runInFlight(jobs, IN_FLIGHT, (i) => bareEnqueue(barePipelined, jobInput(run, i))),
      count: queuedJobs,
    },
    bullmq_add_64: {
      run: (run, jobs) =>
        runInFlight(jobs, IN_FLIGHT, (i) => {
          const job = jobInput(run, i);
          return bullQueue.add(job.action_name, job);
        }),
      count: () => bullQueue.count(),
    },
    ...Object.fromEntries(
      BULLMQ_CHUNKS.map((chunk) => [
        `bullmq_addbulk_${chunk}`,
        {
          run: (run: string, jobs: number) =>
            runBatches(jobs, chunk, (start, n) =>
              bullQueue.addBulk(
                Array.from({ length: n }, (_, j) => {
                  const job = jobInput(run, start + j);
                  return { name: job.action_name, data: job };
                }),
              ),
            ),
          count: () => bullQueue.count(),
        },
      ]),
    ),
  };

  console.log(
    `enqueue bench: ${JOBS} jobs per variant and round (${ROUNDS} round${ROUNDS > 1 ? 's, best kept' : ''}) after ${WARMUP} warm-up jobs, ${IN_FLIGHT} in flight, bulk ${BULK} (BullMQ addBulk chunks ${BULLMQ_CHUNKS.join(' and ')}), ${WORKSPACES} workspaces, flag on; redis-server on port ${server.port}; slowlog threshold ${SLOW_US} µs; ${pinned}`,
  );
  const figures: Record<string, RunFigures> = {};
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, variant] of Object.entries(variants)) {
        if (ONLY && !ONLY.includes(name)) continue;
        await resetServer(admin);
        await flagOn();
        if (round === 1) {
          await variant.run(`warm-${name}`, WARMUP);
          await resetServer(admin);
          await flagOn();
        }
        const result = await measure(admin, JOBS, () => variant.run(`${name}-${round}`, JOBS));
        expectCount(`${name} jobs queued`, await variant.count(), JOBS);
        if (!figures[name] || result.jobsPerSec > figures[name].jobsPerSec) figures[name] = result;
        console.log(describe(ROUNDS > 1 ? `${name}#${round}` : name, result));
      }
    }
  } finally {
    await core.close();
    bare.disconnect();
    barePipelined.disconnect();
    await bullQueue.close();
    await server.stop();
  }

  if (ONLY) return;
  const rate = (name: string) => figures[name]!.jobsPerSec;
  const ratio = (a: string, b: string) => Math.round((rate(a) / rate(b)) * 100) / 100;
  // BullMQ's addBulk figure is its best chunk size's.
  const bulkName = BULLMQ_CHUNKS.map((chunk) => `bullmq_addbulk_${chunk}`).reduce((a, b) =>
    rate(b) > rate(a) ? b : a,
  );
  const summary = {
    cores: pinned,
    core_1: rate('core_1'),
    core_64: rate('core_64'),
    core_bulk: rate('core_bulk'),
    bare_lua_64: Math.max(rate('bare_lua_64'), rate('bare_lua_64_autopipelined')),
    bullmq_add_64: rate('bullmq_add_64'),
    bullmq_addbulk: rate(bulkName),
    bullmq_addbulk_chunk: Number(bulkName.split('_').pop()),
    'core_64/bare_lua_64': 0,
    'core_64/bullmq_add_64': ratio('core_64', 'bullmq_add_64'),
    'core_bulk/bullmq_addbulk': ratio('core_bulk', bulkName),
  };
  // µs of Redis CPU per job (INFO cpu user+sys) and of command time (INFO commandstats) per variant:
  // the way past BullMQ is less Redis work per job (docs/scaling.md).
  const perJob = (field: 'redisUsPerJob' | 'commandUsPerJob' | 'nodeUsPerJob') =>
    Object.fromEntries(Object.entries(figures).map(([name, f]) => [name, f[field]]));
  Object.assign(summary, {
    redis_cpu_us_per_job: perJob('redisUsPerJob'),
    redis_command_us_per_job: perJob('commandUsPerJob'),
    // With Redis on a core of its own, a variant is bound by whichever side costs more per job.
    node_cpu_us_per_job: perJob('nodeUsPerJob'),
  });
  summary['core_64/bare_lua_64'] = Math.round((summary.core_64 / summary.bare_lua_64) * 100) / 100;
  const targets = [
    ['core_64 >= 0.9 x bare_lua_64', summary['core_64/bare_lua_64'] >= 0.9],
    ['core_64 >= 1.3 x bullmq_add_64', summary['core_64/bullmq_add_64'] >= 1.3],
    ['core_bulk >= 2 x bullmq_addbulk', summary['core_bulk/bullmq_addbulk'] >= 2],
  ] as const;
  for (const [target, met] of targets) console.log(`target ${target}: ${met ? 'met' : 'MISSED'}`);
  const slowOf = (names: string[]) => names.reduce((n, name) => n + figures[name]!.slowCalls, 0);
  const coreNames = ['core_1', 'core_64', 'core_bulk'];
  const otherNames = Object.keys(figures).filter((name) => !coreNames.includes(name));
  console.log(
    `calls slower than ${SLOW_US} µs (SLOWLOG, kept runs): core ${slowOf(coreNames)} ` +
      `(slowest ${Math.max(...coreNames.map((n) => figures[n]!.slowestUs))} µs), ` +
      `bare Lua and BullMQ ${slowOf(otherNames)}`,
  );
  console.log(JSON.stringify(summary));
}

/** The enqueue script straight through ioredis, one job per call: no validation, no batching. */
function bareEnqueue(redis: Redis, job: ReturnType<typeof jobInput>): Promise<unknown> {
  const jobId = uuidv7();
  const ws = job.workspace_id;
  const now = Date.now();
  const call = (redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)
    .benchEnqueue!;
  return call.call(
    redis,
    9,
    keys.queue,
    keys.flag,
    keys.metricsBucket(minuteOf(now)),
    keys.metricsTotal,
    keys.workspaces,
    keys.oldJob(jobId),
    keys.newJob(ws, jobId),
    keys.workspaceIndex(ws),
    keys.idempotency(ws, job.client_request_id),
    'on',
    DEFAULT_CONFIG.idempotencyTtlSec,
    DEFAULT_CONFIG.metricsRetentionSec,
    new Date(now).toISOString(),
    now,
    JSON.stringify([
      jobId,
      ws,
      job.action_provider,
      job.action_name,
      JSON.stringify(job.params),
      job.actor_id,
    ]),
  );
}

function describe(name: string, f: RunFigures): string {
  const perCall = f.scriptCalls ? (JOBS / f.scriptCalls).toFixed(1) : '-';
  return (
    `${name.padEnd(15)} ${String(f.jobsPerSec).padStart(7)} jobs/s  ${String(f.ms).padStart(6)} ms  ` +
    `cpu: node ${f.nodeCpu}% ${f.nodeUsPerJob} µs/job, redis ${f.redisCpu}% ${f.redisUsPerJob} µs/job ` +
    `(commands ${f.commandUsPerJob} µs/job)  ` +
    `scripts: ${f.scriptCalls} calls, ${perCall} jobs/call, ${f.scriptUsPerCall} µs/call  ` +
    `slowlog>${SLOW_US}µs: ${f.slowCalls}${f.slowCalls ? ` (max ${f.slowestUs} µs)` : ''}`
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
