import { cpus, loadavg } from 'node:os';
import type { Redis } from 'ioredis';

/** The host's load when the bench started, before its own servers ran: figures from a busy host read lower. */
const LOAD_AT_START = loadavg()[0]!;

/** What the figures were measured on, as read off the host rather than assumed. */
export function machineNote(detail?: string): string {
  const load = `${cpus().length} cores, load average ${LOAD_AT_START.toFixed(2)} when the bench started${LOAD_AT_START >= 1 ? ' (other work on the host)' : ' (a quiet host)'}`;
  return detail ? `${load}; ${detail}` : load;
}

/** Runs `total` calls of `fn`, at most `inFlight` at a time, each caller awaiting its previous call. */
export async function runInFlight(
  total: number,
  inFlight: number,
  fn: (i: number) => Promise<unknown>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, worker));
}

/** Runs `total` items as consecutive batches of `size`, one batch in flight. */
export async function runBatches(
  total: number,
  size: number,
  fn: (start: number, count: number) => Promise<unknown>,
): Promise<void> {
  for (let start = 0; start < total; start += size) await fn(start, Math.min(size, total - start));
}

export interface RunFigures {
  jobsPerSec: number;
  ms: number;
  /** Node's CPU time over wall time, percent (100 = one core busy). */
  nodeCpu: number;
  /** redis-server's CPU time over wall time, percent. */
  redisCpu: number;
  /** CPU time spent per job, microseconds: steadier than jobs/s on a busy machine. */
  nodeUsPerJob: number;
  redisUsPerJob: number;
  /** Redis time per job from INFO commandstats (every command, scripts as one): CPU minus I/O. */
  commandUsPerJob: number;
  /** Script/command calls that took longer than the slowlog threshold. */
  slowCalls: number;
  /** The slowest call seen by SLOWLOG, microseconds (0 when none crossed the threshold). */
  slowestUs: number;
  /** EVALSHA/EVAL calls and their mean Redis time, microseconds. */
  scriptCalls: number;
  scriptUsPerCall: number;
}

async function redisCpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return field('used_cpu_sys') + field('used_cpu_user');
}

async function scriptStats(admin: Redis): Promise<{ calls: number; usec: number }> {
  const info = await admin.info('commandstats');
  let calls = 0;
  let usec = 0;
  for (const m of info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+),usec=(\d+)/g)) {
    calls += Number(m[1]);
    usec += Number(m[2]);
  }
  return { calls, usec };
}

/** Microseconds of Redis time over every command so far (INFO commandstats), INFO itself left out. */
async function commandUsec(admin: Redis): Promise<number> {
  const info = await admin.info('commandstats');
  let usec = 0;
  for (const m of info.matchAll(/cmdstat_([^:]+):calls=\d+,usec=(\d+)/g))
    if (m[1] !== 'info' && m[1] !== 'slowlog') usec += Number(m[2]);
  return usec;
}

/** Clears the server between variants so each starts from the same empty state and fresh stats. */
export async function resetServer(admin: Redis): Promise<void> {
  await admin.flushall();
  await admin.config('RESETSTAT');
  await admin.slowlog('RESET');
}

/** Times one variant of `jobs` jobs; SLOWLOG and command stats are read from the admin client. */
export async function measure(
  admin: Redis,
  jobs: number,
  run: () => Promise<void>,
): Promise<RunFigures> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  await admin.slowlog('RESET');
  const redisCpu0 = await redisCpuSeconds(admin);
  const commandUsec0 = await commandUsec(admin);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await run();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const redisCpu = (await redisCpuSeconds(admin)) - redisCpu0;
  const commandUs = (await commandUsec(admin)) - commandUsec0;
  const slow = (await admin.slowlog('GET', 1000)) as Array<[number, number, number, ...unknown[]]>;
  const stats = await scriptStats(admin);
  return {
    jobsPerSec: Math.round((jobs / ms) * 1000),
    ms: Math.round(ms),
    nodeCpu: Math.round(((cpu.user + cpu.system) / 1000 / ms) * 100),
    redisCpu: Math.round(((redisCpu * 1000) / ms) * 100),
    nodeUsPerJob: Math.round(((cpu.user + cpu.system) / jobs) * 10) / 10,
    redisUsPerJob: Math.round(((redisCpu * 1e6) / jobs) * 10) / 10,
    commandUsPerJob: Math.round((commandUs / jobs) * 10) / 10,
    slowCalls: slow.length,
    slowestUs: slow.reduce((max, entry) => Math.max(max, Number(entry[2])), 0),
    scriptCalls: stats.calls,
    scriptUsPerCall: stats.calls ? Math.round((stats.usec / stats.calls) * 10) / 10 : 0,
  };
}

/** Throws when a variant did not do the work it was timed for (a fast but broken run is no figure). */
export function expectCount(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, found ${actual}`);
}
