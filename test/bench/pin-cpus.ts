import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import type { Redis } from 'ioredis';

/**
 * Gives the private redis-server a core of its own and keeps this process (the console's side) on
 * the others, as in production, where Redis has its host and the console runs elsewhere. Sharing a
 * core, Redis is descheduled for milliseconds at a time by the bench's own threads (GC, ioredis),
 * and SLOWLOG counts those pauses against whatever command was running. BENCH_PIN=off leaves
 * scheduling to the kernel. Returns a line saying what was done.
 */
export async function pinRedisApart(admin: Redis): Promise<string> {
  const cores = availableParallelism();
  if (process.env.BENCH_PIN === 'off') return 'cores: shared (BENCH_PIN=off)';
  if (cores < 2) return 'cores: shared (one core)';
  const redisPid = (await admin.info('server')).match(/process_id:(\d+)/)?.[1];
  const redisCore = String(cores - 1);
  const others = cores === 2 ? '0' : `0-${cores - 2}`;
  const pin = (cpus: string, pid: string) =>
    spawnSync('taskset', ['-a', '-cp', cpus, pid], { encoding: 'utf8' });
  const redis = redisPid ? pin(redisCore, redisPid) : null;
  const self = pin(others, String(process.pid));
  const failed = !redis ? null : [redis, self].find((r) => r.status !== 0);
  if (!redis || failed)
    return `cores: shared (taskset: ${redis ? (failed!.error?.message ?? failed!.stderr.trim()) : 'no redis pid'})`;
  // Ahead of the daemons and kernel threads that still share its core, as on a host of its own.
  const niced = spawnSync('renice', ['-n', '-10', '-p', redisPid!], { encoding: 'utf8' });
  return `cores: redis-server on cpu ${redisCore}${niced.status === 0 ? ' (nice -10)' : ''}, the bench on cpu ${others}`;
}
