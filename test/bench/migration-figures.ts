/**
 * How `bench:migration` reads its figures: wall time and peak RSS of a run, Redis CPU and
 * per-command Redis time (INFO cpu, INFO commandstats), SLOWLOG entries by command, and
 * percentiles of repeated calls. docs/scaling.md builds its model from these.
 */
import type { Redis } from 'ioredis';

export const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/** Samples this process's RSS while `fn` runs; returns its result, wall time and peak RSS. */
export async function watch<T>(
  fn: () => Promise<T>,
): Promise<{ value: T; ms: number; peakMb: number }> {
  // memoryUsage.rss() reads the RSS alone; memoryUsage() walks the heap, costing the run under test.
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  try {
    const value = await fn();
    return {
      value,
      ms: performance.now() - t0,
      peakMb: mb(Math.max(peak, process.memoryUsage.rss())),
    };
  } finally {
    clearInterval(timer);
  }
}

/** redis-server's CPU seconds (user + sys) so far: a delta is the Redis work of what ran between. */
export async function redisCpuSeconds(admin: Redis): Promise<number> {
  const info = await admin.info('cpu');
  return (
    Number(info.match(/used_cpu_user:([\d.]+)/)?.[1]) +
    Number(info.match(/used_cpu_sys:([\d.]+)/)?.[1])
  );
}

/** Calls and microseconds per command so far (INFO commandstats; a script's commands count inside). */
export type CommandStats = Map<string, readonly [calls: number, usec: number]>;

export async function commandStats(admin: Redis): Promise<CommandStats> {
  const info = await admin.info('commandstats');
  return new Map(
    [...info.matchAll(/cmdstat_([^:]+):calls=(\d+),usec=(\d+)/g)].map((m) => [
      m[1]!,
      [Number(m[2]), Number(m[3])] as const,
    ]),
  );
}

/** What ran between two snapshots, slowest first: [command, calls, usec]. */
export function commandDelta(
  before: CommandStats,
  after: CommandStats,
): Array<readonly [string, number, number]> {
  return [...after]
    .map(
      ([name, [calls, us]]) =>
        [name, calls - (before.get(name)?.[0] ?? 0), us - (before.get(name)?.[1] ?? 0)] as const,
    )
    .filter(([, calls]) => calls > 0)
    .sort((a, b) => b[2] - a[2]);
}

export function describeCommands(delta: Array<readonly [string, number, number]>, top = 8): string {
  return delta
    .slice(0, top)
    .map(([name, calls, us]) => `${name} ${calls} calls ${Math.round(us / 1000)} ms`)
    .join(', ');
}

/** Names a script call by its first key (the scripts take job keys or an index). */
function scriptOf(firstKey: string): string {
  if (firstKey.startsWith('ai:jobs:')) return 'script on old keys (compare old->new, repair)';
  if (firstKey.startsWith('ai:job:')) return 'script on new keys (compare new->old)';
  if (firstKey.startsWith('ai:qs:idx:')) return 'script on an index (counts, status filter)';
  return `script ${firstKey}`;
}

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

/** What SLOWLOG held since its last reset (slowCalls). */
export interface SlowCalls {
  /** Entries of calls clients sent: each is one time Redis was held past the threshold. */
  count: number;
  /** Of those, constant-time commands: Redis held up by the host, not by work. */
  constantTime: number;
  /**
   * Entries of commands a script ran inside such a call (client `?:0`): the same hold-up seen a
   * second time, since Redis 7 logs both the script and the command it was in when held.
   */
  nested: number;
  /** The longest entry, µs. */
  maxUs: number;
  by: Record<string, number>;
}

/**
 * SLOWLOG entries since the last reset, by command (the script's first key names it), then reset.
 * Commands a script ran are counted apart (`nested`), so a script held once counts once.
 */
export async function slowCalls(admin: Redis): Promise<SlowCalls> {
  const entries = (await admin.slowlog('GET', 100_000)) as Array<
    [number, number, number, string[], string?]
  >;
  const by: Record<string, number> = {};
  let constantTime = 0;
  let nested = 0;
  let maxUs = 0;
  for (const [, , us, args, client] of entries) {
    maxUs = Math.max(maxUs, us);
    if (client === '?:0') {
      nested++;
      continue;
    }
    if (CONSTANT_TIME.has(args[0]!.toLowerCase())) constantTime++;
    const what = args[0] === 'evalsha' || args[0] === 'eval' ? scriptOf(args[3] ?? '') : args[0]!;
    by[what] = (by[what] ?? 0) + 1;
  }
  await admin.slowlog('RESET');
  return { count: entries.length - nested, constantTime, nested, maxUs, by };
}

export function percentile(sorted: number[], p: number): number {
  return (
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]! * 100) / 100
  );
}

/** Wall times of `n` awaited calls, sorted, ms. */
export async function timeCalls(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}
