import type { StatusCounts } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys, OLD_JOB_PREFIX } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';

/** Index ids counted per script call: ~400 HGETs, far below 5 ms even on a busy host. */
const COUNT_SLICE = 200;
/** Counts younger than this are served as they are; older ones are recounted on read. */
export const COUNTS_MAX_AGE_MS = 30_000;
const STATUSES = ['pending', 'running', 'completed', 'failed', 'other'] as const;

export interface WorkspaceCounts {
  old: StatusCounts;
  new: StatusCounts;
  computedAt: number;
  /** Size of the index when counted: a different size now means jobs were added since. */
  indexSize: number;
}

/** Workspaces this small are recounted on every read (a few script calls, always exact)... */
const SMALL_INDEX = 2000;
/** ...as long as a listing recounts at most this many ids in all; the rest count in the background. */
const SYNC_RECOUNT_IDS = 4000;

export const zeroCounts = (): StatusCounts => ({
  pending: 0,
  running: 0,
  completed: 0,
  failed: 0,
  other: 0,
});

/** Counts a workspace's statuses from its index in bounded script calls, and keeps the result. */
export async function recountWorkspace(
  ctx: CoreContext,
  workspaceId: string,
): Promise<WorkspaceCounts> {
  const counts: WorkspaceCounts = {
    old: zeroCounts(),
    new: zeroCounts(),
    computedAt: Date.now(),
    indexSize: 0,
  };
  const keyList = orderKeys(scripts.countStatuses, { index: keys.workspaceIndex(workspaceId) });
  const newPrefix = keys.newJob(workspaceId, '');
  for (let start = 0; ; start += COUNT_SLICE) {
    const reply = (await runScript(ctx.redis, scripts.countStatuses, keyList, [
      OLD_JOB_PREFIX,
      newPrefix,
      start,
      COUNT_SLICE,
    ])) as number[];
    STATUSES.forEach((s, i) => {
      counts.old[s] += Number(reply[1 + i]);
      counts.new[s] += Number(reply[6 + i]);
    });
    counts.indexSize += Number(reply[0]);
    if (Number(reply[0]) < COUNT_SLICE) break;
  }
  const fields: Record<string, string> = {
    computed_at: String(counts.computedAt),
    index_size: String(counts.indexSize),
  };
  for (const s of STATUSES) {
    fields[`old:${s}`] = String(counts.old[s]);
    fields[`new:${s}`] = String(counts.new[s]);
  }
  // A read-only connection writes nothing, not even Queuescope's own keys: keep the counts in memory.
  if (ctx.config.readOnly) memoryCounts(ctx).set(workspaceId, counts);
  else await ctx.redis.hset(keys.workspaceCounts(workspaceId), fields);
  return counts;
}

const inMemory = new WeakMap<CoreContext, Map<string, WorkspaceCounts>>();

function memoryCounts(ctx: CoreContext): Map<string, WorkspaceCounts> {
  let counts = inMemory.get(ctx);
  if (!counts) inMemory.set(ctx, (counts = new Map()));
  return counts;
}

function parseCounts(hash: Record<string, string> | null): WorkspaceCounts | null {
  if (!hash || !hash.computed_at) return null;
  const counts: WorkspaceCounts = {
    old: zeroCounts(),
    new: zeroCounts(),
    computedAt: Number(hash.computed_at),
    indexSize: Number(hash.index_size ?? -1),
  };
  for (const s of STATUSES) {
    counts.old[s] = Number(hash[`old:${s}`] ?? 0);
    counts.new[s] = Number(hash[`new:${s}`] ?? 0);
  }
  return counts;
}

/** Kept counts of many workspaces in one round trip (null where none are kept). */
export async function keptCounts(
  ctx: CoreContext,
  workspaces: string[],
): Promise<Array<WorkspaceCounts | null>> {
  if (workspaces.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const ws of workspaces) pipeline.hgetall(keys.workspaceCounts(ws));
  const replies = (await pipeline.exec()) ?? [];
  const remembered = inMemory.get(ctx);
  return replies.map(([error, hash], i) => {
    const kept = error ? null : parseCounts(hash as Record<string, string>);
    const local = remembered?.get(workspaces[i]!);
    return local && (!kept || local.computedAt > kept.computedAt) ? local : kept;
  });
}

/** Background recounts of one context: which workspaces wait or run, and the chain they run on. */
interface Background {
  queued: Set<string>;
  /** Workspaces whose last background recount failed: the next listing recounts them itself. */
  failed: Set<string>;
  chain: Promise<void>;
}

const background = new WeakMap<CoreContext, Background>();

/**
 * Recounts a workspace after the current listing has answered. Recounts run one after another per
 * context (a big index is hundreds of script calls; running several at once would only crowd out
 * the reads the user waits for), and a workspace already waiting or running is not queued again. A
 * failed recount is remembered, so that the next listing recounts in the foreground and its caller
 * sees the error instead of a workspace that stays "counting" for ever.
 */
function recountInBackground(bg: Background, ctx: CoreContext, workspaceId: string): void {
  if (bg.queued.has(workspaceId)) return;
  const { queued, failed } = bg;
  queued.add(workspaceId);
  bg.chain = bg.chain
    .then(() => recountWorkspace(ctx, workspaceId))
    .then(
      () => undefined,
      () => void failed.add(workspaceId),
    )
    .finally(() => queued.delete(workspaceId));
}

function backgroundOf(ctx: CoreContext): Background {
  let bg = background.get(ctx);
  if (!bg) {
    bg = { queued: new Set(), failed: new Set(), chain: Promise.resolve() };
    background.set(ctx, bg);
  }
  return bg;
}

/**
 * Counts of every workspace, never waiting on a big recount. Small workspaces are recounted on each
 * read (exact, cheap), smallest first, up to SYNC_RECOUNT_IDS ids in all. The others are served
 * from kept counts; stale kept counts (index size changed, or older than maxAge) are served as they
 * are and recounted in the background. One with no kept counts yet gets null (not known yet) and a
 * background recount; a later read has its counts.
 */
export async function workspaceCounts(
  ctx: CoreContext,
  workspaces: string[],
  maxAgeMs = COUNTS_MAX_AGE_MS,
): Promise<Array<WorkspaceCounts | null>> {
  const [out, sizes] = await Promise.all([
    keptCounts(ctx, workspaces),
    indexSizes(ctx, workspaces),
  ]);
  const now = Date.now();
  const isStale = (i: number) => {
    const kept = out[i];
    return !kept || kept.indexSize !== sizes[i] || now - kept.computedAt >= maxAgeMs;
  };
  // Smallest first, workspaces are recounted right here while their ids fit the budget: exact
  // counts where they are cheap, however many small workspaces there are.
  const bySize = workspaces.map((_, i) => i).sort((a, b) => sizes[a]! - sizes[b]!);
  const counted: number[] = [];
  const stale: number[] = [];
  let budget = SYNC_RECOUNT_IDS;
  for (const i of bySize) {
    const size = sizes[i] ?? 0;
    if (size <= SMALL_INDEX && size <= budget) {
      budget -= size;
      counted.push(i);
    } else if (isStale(i)) stale.push(i);
  }
  // Not yet counted first, then stalest first.
  stale.sort((a, b) => (out[a]?.computedAt ?? 0) - (out[b]?.computedAt ?? 0));
  const bg = backgroundOf(ctx);
  const inForeground = [...counted];
  for (const i of stale) {
    if (bg.failed.delete(workspaces[i]!)) inForeground.push(i);
    else recountInBackground(bg, ctx, workspaces[i]!);
  }
  await Promise.all(
    inForeground.map(async (i) => {
      out[i] = await recountWorkspace(ctx, workspaces[i]!);
    }),
  );
  return out;
}

async function indexSizes(ctx: CoreContext, workspaces: string[]): Promise<number[]> {
  if (workspaces.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const ws of workspaces) pipeline.zcard(keys.workspaceIndex(ws));
  return ((await pipeline.exec()) ?? []).map(([error, n]) => (error ? 0 : Number(n)));
}
