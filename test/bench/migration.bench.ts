/**
 * Divergence check, backfill and listing at scale on a private redis-server loaded with N jobs in
 * both schemas across 100 workspaces, with planted divergences. The naive check (SCAN + pipelined
 * HGETALL + comparison in JS) runs in the same process as the baseline. The last line printed is
 * one JSON object of figures.
 *
 *   npm run bench:migration -- --jobs 1000000      (default 1,000,000; CI can pass --jobs 50000)
 */
import type { Redis } from 'ioredis';
import { QueueCore } from '../../electron/core/core';
import { differingFields } from '../../electron/core/job-codec';
import { keys } from '../../electron/core/keys';
import { reportItems } from '../../electron/core/migration/report-store';
import { startRedisServer } from '../helpers/redis-server';
import { runInFlight } from './bench-kit';
import { hostStalls } from './host-stalls';
import { pinRedisApart } from './pin-cpus';
import loadJobsLua from './load-jobs.lua?raw';

const SLOW_US = 5000;
const WORKSPACES = 100;
const LOAD_BATCH = 500;
const EARLY = '2026-01-01T00:00:00.000Z';
const FLAG_ON_MS = Date.parse('2026-02-01T00:00:00.000Z');
const LATE = '2026-03-01T00:00:00.000Z';

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const JOBS = argValue('--jobs', Number(process.env.BENCH_JOBS ?? 1_000_000));
/** The first jobs were enqueued while the flag was off: old only, awaiting backfill. */
const AWAITING = Math.floor(JOBS / 20);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Samples this process's RSS while `fn` runs; returns its result, wall time and peak RSS. */
async function watch<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return {
      value,
      ms: performance.now() - t0,
      peakMb: mb(Math.max(peak, process.memoryUsage().rss)),
    };
  } finally {
    clearInterval(timer);
  }
}

async function load(redis: Redis, from: number, to: number): Promise<void> {
  const calls = Math.ceil((to - from) / LOAD_BATCH);
  await runInFlight(calls, 4, async (c) => {
    const first = from + c * LOAD_BATCH;
    const count = Math.min(LOAD_BATCH, to - first);
    const early = first < AWAITING;
    const n = early ? Math.min(count, AWAITING - first) : count;
    await redis.eval(
      loadJobsLua,
      0,
      first,
      n,
      WORKSPACES,
      early ? EARLY : LATE,
      early ? 0 : FLAG_ON_MS + 1,
      early ? '0' : '1',
      20,
    );
    if (n < count)
      await redis.eval(
        loadJobsLua,
        0,
        first + n,
        count - n,
        WORKSPACES,
        LATE,
        FLAG_ON_MS + 1,
        '1',
        20,
      );
  });
}

const wsOf = (i: number) => `ws-${i % WORKSPACES}`;
const idOf = (i: number) => `bench-${i}`;

/** Plants divergences among the dual-written jobs; returns the exact set a check must report. */
async function plant(redis: Redis): Promise<Set<string>> {
  const expected = new Set<string>();
  for (let i = 0; i < AWAITING; i++) expected.add(`awaiting_backfill:${idOf(i)}`);
  const perKind = Math.max(10, Math.floor(JOBS / 1250));
  const pipeline = redis.pipeline();
  for (let k = 0; k < perKind * 5; k++) {
    let i = AWAITING + 1 + 13 * k;
    if (i % 20 === 0) i++; // queued jobs are left alone, so a missing old hash makes no orphan entry
    const id = idOf(i);
    const ws = wsOf(i);
    switch (k % 5) {
      case 0:
        pipeline.hset(keys.newJob(ws, id), 'status', 'running');
        expected.add(`mismatch:${id}`);
        break;
      case 1:
        pipeline.del(keys.newJob(ws, id));
        expected.add(`missing_in_new:${id}`);
        break;
      case 2:
        pipeline.del(keys.oldJob(id));
        expected.add(`missing_in_old:${id}`);
        break;
      case 3:
        pipeline.rename(keys.newJob(ws, id), keys.newJob(wsOf(i + 1), id));
        expected.add(`workspace_mismatch:${id}`);
        break;
      case 4: // the same params as Python writes them: equal as values, so in sync
        pipeline.hset(
          keys.newJob(ws, id),
          'params',
          `{"to": "user${i}@example.com", "subject": "Weekly report", "body": "Numbers for the week, attached", "n": ${i}}`,
        );
        break;
    }
  }
  const ghosts = Math.max(10, Math.floor(JOBS / 3000));
  for (let k = 0; k < ghosts; k++) {
    pipeline.rpush(keys.queue, `ghost-q-${k}`);
    expected.add(`orphan_queue_entry:ghost-q-${k}`);
    pipeline.set(keys.idempotency(wsOf(k), `ghost-req-${k}`), `ghost-idem-${k}`, 'EX', 86400);
    expected.add(`orphan_idempotency_key:ghost-idem-${k}`);
  }
  for (let i = AWAITING; i < JOBS; i += 100)
    pipeline.set(keys.idempotency(wsOf(i), `req-${i}`), idOf(i), 'EX', 86400);
  await pipeline.exec();
  return expected;
}

/** The naive check: SCAN the old keys, pipelined HGETALL of both copies, compare in JS. */
async function naiveCheck(redis: Redis): Promise<{ pairs: number; diverged: number }> {
  let cursor = '0';
  let pairs = 0;
  let diverged = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
    cursor = next;
    const olds = await redis.pipeline(found.map((k) => ['hgetall', k])).exec();
    const oldHashes = (olds ?? []).map(([, v]) => v as Record<string, string>);
    const news = await redis
      .pipeline(
        oldHashes.map((o, i) => ['hgetall', keys.newJob(o.workspace_id ?? '', found[i]!.slice(8))]),
      )
      .exec();
    (news ?? []).forEach(([, v], i) => {
      const copy = v as Record<string, string>;
      pairs++;
      if (!Object.keys(copy).length || differingFields(oldHashes[i]!, copy).length) diverged++;
    });
  } while (cursor !== '0');
  return { pairs, diverged };
}

/** Names a script call by its first key (the scripts take job keys or an index). */
function scriptOf(firstKey: string): string {
  if (firstKey.startsWith('ai:jobs:')) return 'script on old keys (compare old->new, repair)';
  if (firstKey.startsWith('ai:job:')) return 'script on new keys (compare new->old)';
  if (firstKey.startsWith('ai:qs:idx:')) return 'script on an index (counts, status filter)';
  return `script ${firstKey}`;
}

/** SLOWLOG entries since the last reset, by command (the script's first key names it), then reset. */
/**
 * Commands that take microseconds whatever the data: one of them in SLOWLOG means Redis itself was
 * held up (descheduled, page faults), not that the command had too much to do.
 */
const CONSTANT_TIME = new Set([
  'exists',
  'get',
  'set',
  'time',
  'hget',
  'zadd',
  'zscore',
  'slowlog',
  'ping',
  'type',
  'llen',
  'zcard',
]);

async function slowCalls(
  admin: Redis,
): Promise<{ count: number; constantTime: number; by: Record<string, number> }> {
  const entries = (await admin.slowlog('GET', 100_000)) as Array<
    [number, number, number, string[]]
  >;
  const by: Record<string, number> = {};
  let constantTime = 0;
  for (const [, , , args] of entries) {
    if (CONSTANT_TIME.has(args[0]!.toLowerCase())) constantTime++;
    const what = args[0] === 'evalsha' || args[0] === 'eval' ? scriptOf(args[3] ?? '') : args[0]!;
    by[what] = (by[what] ?? 0) + 1;
  }
  await admin.slowlog('RESET');
  return { count: entries.length, constantTime, by };
}

function percentile(sorted: number[], p: number): number {
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 100) / 100
  );
}

async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

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
  try {
    const pinned = await pinRedisApart(admin);
    console.log(pinned);
    await admin.set(keys.flag, 'on');
    await admin.zadd(keys.flagHistory, FLAG_ON_MS, `on:${FLAG_ON_MS}`);
    await admin.sadd(keys.workspaces, ...Array.from({ length: WORKSPACES }, (_, i) => `ws-${i}`));

    const small = Math.min(JOBS, 100_000);
    let t0 = performance.now();
    await load(admin, 0, small);
    const smallCheck = await watch(() => core.invoke('divergenceCheck', {}));
    console.log(
      `check at ${small} jobs: ${Math.round(smallCheck.ms)} ms, peak RSS ${smallCheck.peakMb} MB`,
    );

    await load(admin, small, JOBS);
    const expected = await plant(admin);
    const oldPairs =
      Number(await admin.dbsize()) >= 0 ? JOBS - Math.max(10, Math.floor(JOBS / 1250)) : 0;
    console.log(
      `loaded ${JOBS} jobs (${AWAITING} old only) in ${Math.round(performance.now() - t0)} ms; used_memory ${(await admin.info('memory')).match(/used_memory_human:(\S+)/)?.[1]}`,
    );

    await admin.slowlog('RESET');
    const cpuOf = async () => {
      const info = await admin.info('cpu');
      return (
        Number(info.match(/used_cpu_user:([\d.]+)/)?.[1]) +
        Number(info.match(/used_cpu_sys:([\d.]+)/)?.[1])
      );
    };
    const usecOf = async () => {
      const info = await admin.info('commandstats');
      return new Map(
        [...info.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)].map((m) => [
          m[1]!,
          [Number(m[2]), Number(m[3])] as const,
        ]),
      );
    };
    const usec0 = await usecOf();
    const redisCpu0 = await cpuOf();
    const nodeCpu0 = process.cpuUsage();
    const phaseStarts: Array<[string, number]> = [];
    const checkStarted = performance.now();
    const check = await watch(() =>
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
    const usec1 = await usecOf();
    const byCommand = [...usec1]
      .map(
        ([name, [calls, us]]) =>
          [name, calls - (usec0.get(name)?.[0] ?? 0), us - (usec0.get(name)?.[1] ?? 0)] as const,
      )
      .filter(([, calls]) => calls > 0)
      .sort((a, b) => b[2] - a[2])
      .slice(0, 8)
      .map(([name, calls, us]) => `${name} ${calls} calls ${Math.round(us / 1000)} ms`);
    console.log(`check commands: ${byCommand.join(', ')}`);
    console.log(
      `check cpu: redis ${Math.round(((await cpuOf()) - redisCpu0) * 1000)} ms, node ${Math.round((nodeCpu.user + nodeCpu.system) / 1000)} ms`,
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

    const page1 = await timeCalls(200, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100 }),
    );
    const page100 = await timeCalls(50, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100, cursor: '9900' }),
    );
    const filtered = await timeCalls(50, () =>
      core.invoke('listJobs', { workspace_id: 'ws-7', limit: 100, status: 'running' }),
    );
    const workspaces = await watch(() => core.invoke('listWorkspaces', {}));
    const listSlow = await slowCalls(admin);
    console.log(
      `SLOWLOG > 5 ms: check ${JSON.stringify(checkSlow.by)}, backfill ${JSON.stringify(backfillSlow.by)}, listing ${JSON.stringify(listSlow.by)}`,
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

    t0 = performance.now();
    let cursor = '0';
    let inWorkspace = 0;
    do {
      const [next, found2] = await admin.scan(
        cursor,
        'MATCH',
        `${keys.newJob('ws-7', '')}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      inWorkspace += found2.length;
    } while (cursor !== '0');
    const scanMs = performance.now() - t0;

    const naive = await watch(() => naiveCheck(admin));
    console.log(
      `naive check: ${naive.value.pairs} pairs, ${naive.value.diverged} diverged, ${Math.round(naive.ms)} ms, peak RSS ${naive.peakMb} MB`,
    );
    console.log(
      `listWorkspaces ${Math.round(workspaces.ms)} ms; scan of one workspace found ${inWorkspace} keys`,
    );
    console.log(
      `RSS of the check: ${smallCheck.peakMb} MB at ${small} jobs, ${check.peakMb} MB at ${JOBS} jobs`,
    );

    const figures = {
      jobs: JOBS,
      cores: pinned,
      divergence_pairs_per_s: Math.round(oldPairs / (check.ms / 1000)),
      baseline_pairs_per_s: Math.round(naive.value.pairs / (naive.ms / 1000)),
      divergence_ms: Math.round(check.ms),
      baseline_ms: Math.round(naive.ms),
      divergence_peak_rss_mb: check.peakMb,
      divergence_peak_rss_mb_100k: smallCheck.peakMb,
      baseline_peak_rss_mb: naive.peakMb,
      found_exact: foundExact,
      settled_on_recheck: report.settled_on_recheck,
      slowlog_over_5ms: checkSlow.count + backfillSlow.count + listSlow.count,
      slowlog_over_5ms_check: checkSlow.count,
      slowlog_over_5ms_constant_time:
        checkSlow.constantTime + backfillSlow.constantTime + listSlow.constantTime,
      slowlog_over_5ms_get_only_floor: floor?.entries ?? null,
      backfill_jobs_per_s: Math.round(backfill.value.applied / (backfill.ms / 1000)),
      list_p50_ms: percentile(page1, 0.5),
      list_p99_ms: percentile(page1, 0.99),
      list_page100_p50_ms: percentile(page100, 0.5),
      list_status_filter_p50_ms: percentile(filtered, 0.5),
      list_workspaces_ms: Math.round(workspaces.ms),
      scan_baseline_ms: Math.round(scanMs),
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
