import type { CoreContext } from '../context';
import { keys, minuteOf } from '../keys';

/** Counts of one time step, keyed like a per-minute bucket: "{ws}|succeeded", "{ws}|failed", plus `queue_depth`. */
export type BucketHash = Record<string, string>;

export const MINUTE_MS = 60_000;
/** Field of a bucket holding the sampled length of ai:queue:pending (the maximum, in a rollup). */
export const QUEUE_DEPTH_FIELD = 'queue_depth';
/** Marks a rollup as computed, so an empty step is not recomputed on every read. */
const ROLLED_FIELD = '_rolled';
/**
 * Failures counted in memory during an outage are flushed into the minute they happened, possibly
 * late; a step is rolled up (and frozen) only once it ended this long ago.
 */
const SETTLE_MS = 5 * MINUTE_MS;
/** HGETALLs per pipeline: keeps each round trip short however long the window. */
const BATCH = 500;
const MEMO_LIMIT = 4096;

/** Settled rollups per core: immutable once computed, so a refreshing console re-reads none. */
const memos = new WeakMap<CoreContext, Map<string, BucketHash>>();

function memoOf(ctx: CoreContext): Map<string, BucketHash> {
  let memo = memos.get(ctx);
  if (!memo) memos.set(ctx, (memo = new Map()));
  return memo;
}

function remember(memo: Map<string, BucketHash>, key: string, hash: BucketHash): void {
  if (memo.size >= MEMO_LIMIT) memo.delete(memo.keys().next().value!);
  memo.set(key, hash);
}

async function hgetallMany(ctx: CoreContext, bucketKeys: string[]): Promise<BucketHash[]> {
  const out: BucketHash[] = [];
  for (let i = 0; i < bucketKeys.length; i += BATCH) {
    const pipeline = ctx.redis.pipeline();
    for (const key of bucketKeys.slice(i, i + BATCH)) pipeline.hgetall(key);
    for (const [error, hash] of (await pipeline.exec()) ?? []) {
      out.push(error ? {} : ((hash ?? {}) as BucketHash));
    }
  }
  return out;
}

/** Sums minute buckets into one step: counts add up, the queue depth keeps its maximum. */
export function mergeBuckets(hashes: BucketHash[]): BucketHash {
  const sum: Record<string, number> = {};
  for (const hash of hashes) {
    for (const [field, value] of Object.entries(hash)) {
      if (field === ROLLED_FIELD) continue;
      const n = Number(value) || 0;
      sum[field] =
        field === QUEUE_DEPTH_FIELD ? Math.max(sum[field] ?? 0, n) : (sum[field] ?? 0) + n;
    }
  }
  return Object.fromEntries(Object.entries(sum).map(([k, v]) => [k, String(v)]));
}

/**
 * The buckets of `starts` (step starts, ms), each `stepMs` long. Minute steps are the raw buckets;
 * coarser steps come from rollup hashes, computed once from the minute buckets and kept in Redis
 * (unless read-only) and in this process, so a 7-day window costs ~170 reads instead of 10,080.
 */
export async function readSteps(
  ctx: CoreContext,
  starts: number[],
  stepMs: number,
  now: number,
): Promise<BucketHash[]> {
  if (stepMs === MINUTE_MS) return hgetallMany(ctx, starts.map(keys.metricsBucket));
  const memo = memoOf(ctx);
  const settled = (start: number) => start + stepMs <= now - SETTLE_MS;
  const result: (BucketHash | undefined)[] = starts.map((start) =>
    settled(start) ? memo.get(keys.metricsRollup(stepMs, start)) : undefined,
  );
  const storedIdx = starts.flatMap((s, i) => (result[i] === undefined && settled(s) ? [i] : []));
  const stored = await hgetallMany(
    ctx,
    storedIdx.map((i) => keys.metricsRollup(stepMs, starts[i]!)),
  );
  storedIdx.forEach((i, j) => {
    if (stored[j]![ROLLED_FIELD] === undefined) return;
    result[i] = stored[j]!;
    remember(memo, keys.metricsRollup(stepMs, starts[i]!), stored[j]!);
  });
  const missing = starts.flatMap((_, i) => (result[i] === undefined ? [i] : []));
  const perStep = stepMs / MINUTE_MS;
  const minuteKeys = missing.flatMap((i) =>
    Array.from({ length: perStep }, (_, m) => keys.metricsBucket(starts[i]! + m * MINUTE_MS)),
  );
  const minutes = await hgetallMany(ctx, minuteKeys);
  const toStore: Array<[string, BucketHash]> = [];
  missing.forEach((i, j) => {
    const merged = mergeBuckets(minutes.slice(j * perStep, (j + 1) * perStep));
    result[i] = merged;
    if (!settled(starts[i]!)) return;
    const key = keys.metricsRollup(stepMs, starts[i]!);
    remember(memo, key, merged);
    toStore.push([key, merged]);
  });
  if (toStore.length && !ctx.config.readOnly) await storeRollups(ctx, toStore);
  return result.map((hash) => hash ?? {});
}

async function storeRollups(ctx: CoreContext, rollups: Array<[string, BucketHash]>): Promise<void> {
  const pipeline = ctx.redis.pipeline();
  for (const [key, hash] of rollups) {
    pipeline.hset(key, { ...hash, [ROLLED_FIELD]: '1' });
    pipeline.expire(key, ctx.config.metricsRetentionSec);
  }
  // A rollup is a cache: a failed store only means the next reader computes it again.
  await pipeline.exec().catch(() => undefined);
}

/**
 * Records the queue length into the current minute's bucket, so queue depth has a history every
 * console can chart. Skipped on a read-only connection, which may be a replica.
 */
export async function sampleQueueDepth(
  ctx: Pick<CoreContext, 'redis' | 'config'>,
  depth: number,
  now: number,
) {
  if (ctx.config.readOnly) return;
  const bucket = keys.metricsBucket(minuteOf(now));
  await ctx.redis
    .pipeline()
    .hset(bucket, QUEUE_DEPTH_FIELD, depth)
    .expire(bucket, ctx.config.metricsRetentionSec)
    .exec()
    .catch(() => undefined);
}
