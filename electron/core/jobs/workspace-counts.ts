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

/** Workspaces this small are recounted on every read: a few script calls, always exact. */
const SMALL_INDEX = 2000;

const zero = (): StatusCounts => ({ pending: 0, running: 0, completed: 0, failed: 0, other: 0 });

/** Counts a workspace's statuses from its index in bounded script calls, and keeps the result. */
export async function recountWorkspace(
  ctx: CoreContext,
  workspaceId: string,
): Promise<WorkspaceCounts> {
  const counts: WorkspaceCounts = {
    old: zero(),
    new: zero(),
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
    old: zero(),
    new: zero(),
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

/** Time a listing may spend refreshing stale counts of big workspaces; the rest are served as kept. */
const REFRESH_BUDGET_MS = 150;

/**
 * Counts of every workspace. Small workspaces are recounted on each read (exact, cheap). Big ones
 * are served from kept counts while fresh (same index size, younger than maxAge); stale ones are
 * recounted stalest first within a small time budget, and the background indexer refreshes the rest.
 */
export async function workspaceCounts(
  ctx: CoreContext,
  workspaces: string[],
  maxAgeMs = COUNTS_MAX_AGE_MS,
): Promise<WorkspaceCounts[]> {
  const out = await keptCounts(ctx, workspaces);
  const sizes = await indexSizes(ctx, workspaces);
  const started = Date.now();
  const stale = workspaces
    .map((ws, i) => ({ ws, i, kept: out[i], size: sizes[i] ?? 0 }))
    .filter(
      ({ kept, size }) =>
        !kept ||
        size <= SMALL_INDEX ||
        kept.indexSize !== size ||
        started - kept.computedAt >= maxAgeMs,
    )
    .sort((a, b) => (a.kept?.computedAt ?? 0) - (b.kept?.computedAt ?? 0));
  for (const w of stale) {
    const mustCount = !w.kept || w.size <= SMALL_INDEX;
    if (!mustCount && Date.now() - started > REFRESH_BUDGET_MS) continue;
    out[w.i] = await recountWorkspace(ctx, w.ws);
  }
  return out as WorkspaceCounts[];
}

async function indexSizes(ctx: CoreContext, workspaces: string[]): Promise<number[]> {
  if (workspaces.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const ws of workspaces) pipeline.zcard(keys.workspaceIndex(ws));
  return ((await pipeline.exec()) ?? []).map(([error, n]) => (error ? 0 : Number(n)));
}
