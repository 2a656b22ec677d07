/**
 * Divergence check, backfill and listing at scale on a private redis-server loaded with N jobs in
 * both schemas across 100 workspaces, with planted divergences (migration-data.ts). The baselines
 * (migration-baselines.ts) run in the same process; memory per job comes from migration-memory.ts.
 * The last line printed is one JSON object of figures; docs/scaling.md builds its model from them.
 *
 *   npm run bench:migration -- --jobs 1000000      (default 1,000,000; CI can pass --jobs 50000)
 *   npm run bench:migration -- --data issue        (issue 15's jobs: ~60-byte params, compact hashes)
 */
import { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';
import { reportItems } from '../../electron/core/migration/report-store';
import { startRedisServer } from '../helpers/redis-server';
import { machineNote } from './bench-kit';
import { hostStalls } from './host-stalls';
import { baselineCheck, obviousCheck, scanOneWorkspace } from './migration-baselines';
import {
  awaitingOf,
  FLAG_ON_MS,
  load,
  perKindOf,
  plant,
  WORKSPACES,
  type DataShape,
} from './migration-data';
import {
  commandDelta,
  commandStats,
  describeCommands,
  percentile,
  redisCpuSeconds,
  slowCalls,
  timeCalls,
  watch,
} from './migration-figures';
import { jobHashBytes, queuescopeBytes } from './migration-memory';
import { pinRedisApart } from './pin-cpus';

const SLOW_US = 5000;
/** Queuescope's own keys should cost at most this share of the job data (issue 15). */
const QS_TARGET = 0.1;

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const JOBS = argValue('--jobs', Number(process.env.BENCH_JOBS ?? 1_000_000));
const SHAPE: DataShape = process.argv.includes('issue') ? 'issue' : 'bench';
const AWAITING = awaitingOf(JOBS);
const round2 = (n: number) => Math.round(n * 100) / 100;

async function main(): Promise<void> {
  const server = await startRedisServer({
    args: [
      '--slowlog-log-slower-than',
      String(SLOW_US),
      '--slowlog-max-len',
      '10000',
      '--save',
      '',
    ],
  });
  const admin = server.client();
  const core = new QueueCore({ connection: { url: server.url }, defaultFlag: 'on' });
  /** Runs `fn` and returns its Redis CPU in µs alongside its value and wall time. */
  const withRedisCpu = async <T>(fn: () => Promise<T>) => {
    const cpu0 = await redisCpuSeconds(admin);
    const run = await watch(fn);
    return { ...run, redisUs: ((await redisCpuSeconds(admin)) - cpu0) * 1e6 };
  };
  try {
    const pinned = await pinRedisApart(admin);
    console.log(pinned);
    await admin.set(keys.flag, 'on');
    await admin.zadd(keys.flagHistory, FLAG_ON_MS, `on:${FLAG_ON_MS}`);
    await admin.sadd(keys.workspaces, ...Array.from({ length: WORKSPACES }, (_, i) => `ws-${i}`));

    const small = Math.min(JOBS, 100_000);
    const t0 = performance.now();
    await load(admin, JOBS, 0, small, SHAPE);
    const smallCheck = await watch(() => core.invoke('divergenceCheck', {}));
    console.log(
      `check at ${small} jobs: ${Math.round(smallCheck.ms)} ms, peak RSS ${smallCheck.peakMb} MB`,
    );

    await load(admin, JOBS, small, JOBS, SHAPE);
    const expected = await plant(admin, JOBS, SHAPE);
    const oldPairs = JOBS - perKindOf(JOBS);
    console.log(
      `loaded ${JOBS} jobs (${AWAITING} old only) in ${Math.round(performance.now() - t0)} ms; used_memory ${(await admin.info('memory')).match(/used_memory_human:(\S+)/)?.[1]}`,
    );

    await admin.slowlog('RESET');
    const usec0 = await commandStats(admin);
    const nodeCpu0 = process.cpuUsage();
    const phaseStarts: Array<[string, number]> = [];
    const checkStarted = performance.now();
    const check = await withRedisCpu(() =>
      core.invoke(
        'divergenceCheck',
        {},
        {
          onProgress: (p) => {
            if (phaseStarts.at(-1)?.[0] !== p.phase)
              phaseStarts.push([p.phase, performance.now() - checkStarted]);
            if (p.phase !== 'scan' || Math.random() < 0.02)
              process.stderr.write(
                `\r${p.phase} ${p.done}/${p.total ?? '?'} eta ${p.eta_s ?? '?'}s   `,
              );
          },
        },
      ),
    );
    process.stderr.write('\n');
    const phaseMs = phaseStarts.map(([phase, at], i) => {
      const end = phaseStarts[i + 1]?.[1] ?? check.ms;
      return `${phase} ${Math.round(end - at)} ms`;
    });
    console.log(`check phases: ${phaseMs.join(', ')}`);
    const nodeCpu = process.cpuUsage(nodeCpu0);
    const checkCommands = commandDelta(usec0, await commandStats(admin));
    console.log(`check commands: ${describeCommands(checkCommands)}`);
    const [, scriptCalls, scriptUs] = checkCommands.find(([name]) => name === 'evalsha') ?? [];
    console.log(
      `check cpu: redis ${Math.round(check.redisUs / 1000)} ms, node ${Math.round((nodeCpu.user + nodeCpu.system) / 1000)} ms`,
    );
    const checkSlow = await slowCalls(admin);
    const report = check.value;
    const found = new Set<string>();
    for await (const page of reportItems(
      { redis: admin, config: { readOnly: false } } as never,
      report.id,
    ))
      for (const item of page) found.add(`${item.category}:${item.job_id}`);
    const missed = [...expected].filter((e) => !found.has(e));
    const extra = [...found].filter((f) => !expected.has(f));
    const foundExact = missed.length === 0 && extra.length === 0;
    if (!foundExact)
      console.log(
        `missed ${missed.slice(0, 5).join(' ')} (${missed.length}); extra ${extra.slice(0, 5).join(' ')} (${extra.length})`,
      );
    console.log(
      `check at ${JOBS} jobs: ${Math.round(check.ms)} ms, peak RSS ${check.peakMb} MB, counts ${JSON.stringify(report.counts)}, in_sync ${report.in_sync}`,
    );

    // The obvious script runs on the check's own data, before the backfill writes the new copies.
    const obvious0 = await commandStats(admin);
    const naive = await withRedisCpu(() => obviousCheck(server.port));
    console.log(
      `obvious script: ${naive.value.pairs} pairs, ${naive.value.diverged} diverged, ${Math.round(naive.ms)} ms, redis ${Math.round(naive.redisUs / 1000)} ms, peak RSS ${naive.peakMb} MB; ${describeCommands(commandDelta(obvious0, await commandStats(admin)), 3)}`,
    );
    await slowCalls(admin);

    const backfill = await watch(() =>
      core.invoke('repair', {
        report_id: report.id,
        backfill: true,
        dry_run: false,
        actor_id: 'bench',
      }),
    );
    const backfillSlow = await slowCalls(admin);
    console.log(
      `backfill: ${backfill.value.applied} applied, ${backfill.value.skipped_count} skipped in ${Math.round(backfill.ms)} ms`,
    );

    const listCpu0 = await redisCpuSeconds(admin);
    const page1 = await timeCalls(200, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100 }),
    );
    const listPageRedisUs = (((await redisCpuSeconds(admin)) - listCpu0) * 1e6) / 200;
    const page100 = await timeCalls(50, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100, cursor: '9900' }),
    );
    const filtered = await timeCalls(50, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100, status: 'running' }),
    );
    const workspaces = await watch(() => core.invoke('listWorkspaces', {}));
    const listSlow = await slowCalls(admin);
    console.log(
      `SLOWLOG > 5 ms: check ${JSON.stringify(checkSlow.by)} (and ${checkSlow.nested} entries of commands inside those scripts, the same hold-ups), backfill ${JSON.stringify(backfillSlow.by)}, listing ${JSON.stringify(listSlow.by)}`,
    );
    console.log(
      `  of which constant-time commands (Redis held up by the host, not by work): ${checkSlow.constantTime + backfillSlow.constantTime + listSlow.constantTime}`,
    );
    const floor = await hostStalls(admin, server.port, check.ms);
    console.log(
      floor
        ? `SLOWLOG floor of this host: ${floor.entries} entries > 5 ms (worst ${floor.worstMs} ms) while redis-benchmark sent only GETs for ${floor.seconds} s, as long as the check ran`
        : 'SLOWLOG floor of this host: not measured (redis-benchmark is not installed)',
    );

    let t1 = performance.now();
    const inWorkspace = await scanOneWorkspace(admin, 'ws-7');
    const scanMs = performance.now() - t1;
    t1 = performance.now();
    const baseline = await watch(() => baselineCheck(admin));
    console.log(
      `baseline check: ${baseline.value.pairs} pairs, ${baseline.value.diverged} diverged, ${Math.round(baseline.ms)} ms, peak RSS ${baseline.peakMb} MB`,
    );
    console.log(
      `listWorkspaces ${Math.round(workspaces.ms)} ms; scan of one workspace found ${inWorkspace} keys`,
    );

    // Memory last: every key Queuescope writes (indexes, counts, metric buckets, reports) exists now.
    const qs = await queuescopeBytes(admin);
    const jobBytes = await jobHashBytes(admin, JOBS);
    const usedMemory = Number((await admin.info('memory')).match(/used_memory:(\d+)/)?.[1]);
    console.log(
      `memory: job hashes old ${jobBytes.old} B + new ${jobBytes.new} B per job; Queuescope ${qs.keys} keys ${Math.round(qs.bytes / 1024)} KiB ${JSON.stringify(qs.byClass)}; used_memory ${Math.round(usedMemory / JOBS)} B per job`,
    );

    const checkRate = oldPairs / (check.ms / 1000);
    const naiveRate = naive.value.pairs / (naive.ms / 1000);
    const jobBytesPerJob = jobBytes.old + jobBytes.new;
    const qsBytesPerJob = qs.bytes / JOBS;
    const figures = {
      jobs: JOBS,
      data: SHAPE,
      cores: pinned,
      machine: machineNote(),
      check_pairs_per_s: Math.round(checkRate),
      naive_pairs_per_s: Math.round(naiveRate),
      'check/naive': round2(checkRate / naiveRate),
      divergence_pairs_per_s: Math.round(checkRate),
      baseline_pairs_per_s: Math.round(baseline.value.pairs / (baseline.ms / 1000)),
      divergence_ms: Math.round(check.ms),
      naive_ms: Math.round(naive.ms),
      baseline_ms: Math.round(baseline.ms),
      check_redis_us_per_pair: round2(check.redisUs / oldPairs),
      naive_redis_us_per_pair: round2(naive.redisUs / naive.value.pairs),
      check_node_us_per_pair: round2((nodeCpu.user + nodeCpu.system) / oldPairs),
      check_script_calls: scriptCalls ?? 0,
      check_script_mean_us: scriptCalls ? Math.round(scriptUs! / scriptCalls) : null,
      divergence_peak_rss_mb: check.peakMb,
      divergence_peak_rss_mb_100k: smallCheck.peakMb,
      naive_peak_rss_mb: naive.peakMb,
      baseline_peak_rss_mb: baseline.peakMb,
      found_exact: foundExact,
      settled_on_recheck: report.settled_on_recheck,
      slowlog_over_5ms: checkSlow.count + backfillSlow.count + listSlow.count,
      slowlog_over_5ms_check: checkSlow.count,
      slowlog_over_5ms_check_nested: checkSlow.nested,
      slowlog_check_max_ms: round2(checkSlow.maxUs / 1000),
      slowlog_over_5ms_constant_time:
        checkSlow.constantTime + backfillSlow.constantTime + listSlow.constantTime,
      slowlog_over_5ms_get_only_floor: floor?.entries ?? null,
      backfill_jobs_per_s: Math.round(backfill.value.applied / (backfill.ms / 1000)),
      list_p50_ms: percentile(page1, 0.5),
      list_p99_ms: percentile(page1, 0.99),
      list_page_redis_us: Math.round(listPageRedisUs),
      list_page100_p50_ms: percentile(page100, 0.5),
      list_status_filter_p50_ms: percentile(filtered, 0.5),
      list_workspaces_ms: Math.round(workspaces.ms),
      scan_baseline_ms: Math.round(scanMs),
      job_bytes_per_job: jobBytesPerJob,
      job_bytes_old: jobBytes.old,
      job_bytes_new: jobBytes.new,
      qs_bytes_per_job: round2(qsBytesPerJob),
      'qs/job_bytes': round2(qsBytesPerJob / jobBytesPerJob),
      qs_target_met: qsBytesPerJob / jobBytesPerJob <= QS_TARGET,
      used_memory_bytes_per_job: Math.round(usedMemory / JOBS),
    };
    console.log(JSON.stringify(figures));
  } finally {
    await core.close();
    await server.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
