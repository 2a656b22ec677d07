/**
 * What Queuescope costs Redis in memory (docs/scaling.md): bytes of its own `ai:qs:*` keys per job
 * beside bytes of the job hashes of both schemas, from MEMORY USAGE of samples scaled by key counts.
 */
import type { Redis } from 'ioredis';
import { keys } from '../../electron/core/keys';
import { idOf, wsOf } from './migration-data';

/** Keys of one class measured per class; the rest of a class is scaled from its mean. */
const SAMPLE_PER_CLASS = 200;
const JOB_SAMPLE = 1000;

/**
 * The class of a Queuescope key: `idx` (per-workspace indexes), `counts`, `dw` (metric buckets),
 * `div:items` and so on: the segment after `ai:qs:`, two for the divergence reports.
 */
function classOf(key: string): string {
  const parts = key.slice('ai:qs:'.length).split(':');
  return parts[0] === 'div' || parts[0] === 'repair' ? `${parts[0]}:${parts[1]}` : parts[0]!;
}

/** MEMORY USAGE with every element counted (SAMPLES 0): exact for the large index zsets too. */
async function bytesOf(redis: Redis, key: string): Promise<number> {
  return Number((await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0')) ?? 0);
}

export interface QsMemory {
  bytes: number;
  keys: number;
  byClass: Record<string, { keys: number; bytes: number }>;
}

/** Walks `ai:qs:*` by SCAN, measures up to SAMPLE_PER_CLASS keys of each class, scales to the class. */
export async function queuescopeBytes(redis: Redis): Promise<QsMemory> {
  const byClassKeys = new Map<string, string[]>();
  const counts = new Map<string, number>();
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', 'ai:qs:*', 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const cls = classOf(key);
      counts.set(cls, (counts.get(cls) ?? 0) + 1);
      const sample = byClassKeys.get(cls) ?? [];
      if (sample.length < SAMPLE_PER_CLASS) sample.push(key);
      byClassKeys.set(cls, sample);
    }
  } while (cursor !== '0');
  const byClass: QsMemory['byClass'] = {};
  let bytes = 0;
  let total = 0;
  for (const [cls, sample] of byClassKeys) {
    let sampled = 0;
    for (const key of sample) sampled += await bytesOf(redis, key);
    const n = counts.get(cls)!;
    const scaled = Math.round((sampled / sample.length) * n);
    byClass[cls] = { keys: n, bytes: scaled };
    bytes += scaled;
    total += n;
  }
  return { bytes, keys: total, byClass };
}

/**
 * Mean bytes of one old-schema and one new-schema job hash, from JOB_SAMPLE jobs spread evenly over
 * the keyspace (a planted job without one of its copies is skipped for that copy).
 */
export async function jobHashBytes(
  redis: Redis,
  jobs: number,
): Promise<{ old: number; new: number }> {
  const step = Math.max(1, Math.floor(jobs / JOB_SAMPLE));
  const sums = { old: 0, new: 0, olds: 0, news: 0 };
  for (let i = 7; i < jobs; i += step) {
    const old = await bytesOf(redis, keys.oldJob(idOf(i)));
    const copy = await bytesOf(redis, keys.newJob(wsOf(i), idOf(i)));
    if (old) {
      sums.old += old;
      sums.olds++;
    }
    if (copy) {
      sums.new += copy;
      sums.news++;
    }
  }
  return {
    old: Math.round(sums.old / Math.max(1, sums.olds)),
    new: Math.round(sums.new / Math.max(1, sums.news)),
  };
}
