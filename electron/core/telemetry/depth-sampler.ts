import type { CoreContext } from '../context';
import { keys, minuteOf } from '../keys';
import { MINUTE_MS, sampleQueueDepth } from './metric-buckets';

/** How often each host tries to take the minute's sample: a lost try costs one SET. */
export const DEPTH_SAMPLE_TRY_MS = 20_000;

export interface DepthSamplerOptions {
  /** Between tries (default DEPTH_SAMPLE_TRY_MS). */
  intervalMs?: number;
  /** The clock that picks the minute (tests move it). */
  now?: () => number;
}

export interface DepthSampler {
  /** Resolves once the sample in progress, if any, has been written. */
  stop(): Promise<void>;
}

type SamplerContext = Pick<CoreContext, 'redis' | 'config'>;

/**
 * Takes this minute's queue depth sample if no host has yet (docs/connection.md): one `SET NX` of
 * the minute's lock decides, so however many hosts run, each minute is sampled once. Returns the
 * depth written, or null when another host had the minute.
 */
export async function sampleDepthOnce(
  ctx: SamplerContext,
  owner: string,
  now: number,
): Promise<number | null> {
  const minute = minuteOf(now);
  const won = await ctx.redis.set(keys.depthSampleLock(minute), owner, 'PX', 2 * MINUTE_MS, 'NX');
  if (won !== 'OK') return null;
  const depth = await ctx.redis.llen(keys.queue);
  await sampleQueueDepth(ctx, depth, now);
  return depth;
}

/**
 * Samples the queue depth into the metric buckets whether or not anyone watches, so the chart has
 * a history: the hosts run this (a read-only one does not, it writes nothing). A failed try is
 * left for the next one. `ctx` may be asked for at each try: the hosts' context is known once the
 * topology is (on a Redis Cluster, the lock, the queue and each minute's bucket are on the masters
 * that hold them).
 */
export function startDepthSampler(
  ctx: SamplerContext | (() => Promise<SamplerContext>),
  owner: string,
  options: DepthSamplerOptions = {},
): DepthSampler {
  const now = options.now ?? Date.now;
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return; // a paused Redis: one try waits, none pile up behind it
    const at = now();
    running = (typeof ctx === 'function' ? ctx() : Promise.resolve(ctx))
      .then((context) => sampleDepthOnce(context, owner, at))
      .catch(() => null)
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, options.intervalMs ?? DEPTH_SAMPLE_TRY_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
