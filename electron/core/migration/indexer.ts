import type { CoreContext } from '../context';
import { keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX, parseNewJobKey } from '../keys';
import { COUNTS_MAX_AGE_MS, keptCounts, recountWorkspace } from '../jobs/workspace-counts';
import { runScript, scripts } from '../scripts';

export interface IndexStep {
  /** Keys looked at by this step. */
  scanned: number;
  /** Jobs that were in no index and now are. */
  indexed: number;
  /** True when this step finished a whole pass over the keyspace. */
  pass_complete: boolean;
  /** The workspace whose counts were refreshed, if any. */
  recounted: string | null;
}

const SCAN_COUNT = 1000;

interface Found {
  key: string;
  ws: string;
  id: string;
  enqueuedAt: string | null;
}

async function describe(ctx: CoreContext, found: string[]): Promise<Found[]> {
  const pipeline = ctx.redis.pipeline();
  const shape: Array<{ key: string; old: boolean }> = [];
  for (const key of found) {
    if (key.startsWith(OLD_JOB_PREFIX)) {
      pipeline.hmget(key, 'workspace_id', 'enqueued_at');
      shape.push({ key, old: true });
    } else if (key.startsWith(NEW_JOB_PREFIX)) {
      pipeline.hget(key, 'enqueued_at');
      shape.push({ key, old: false });
    }
  }
  if (shape.length === 0) return [];
  const replies = (await pipeline.exec()) ?? [];
  return shape.flatMap(({ key, old }, i): Found[] => {
    const [error, value] = replies[i] ?? [null, null];
    if (error) return []; // a wrong-typed key: the divergence check reports it
    if (old) {
      const [ws, at] = value as [string | null, string | null];
      return ws ? [{ key, ws, id: key.slice(OLD_JOB_PREFIX.length), enqueuedAt: at }] : [];
    }
    const parsed = parseNewJobKey(key);
    if (!parsed) return [];
    return [{ key, ws: parsed.workspaceId, id: parsed.jobId, enqueuedAt: value as string | null }];
  });
}

/** The job id of a job key of either schema (null for a key that is not a job key). */
export function jobIdOfKey(key: string): string | null {
  if (key.startsWith(OLD_JOB_PREFIX)) return key.slice(OLD_JOB_PREFIX.length) || null;
  return parseNewJobKey(key)?.jobId || null;
}

/**
 * Files the jobs behind these job keys in their workspace's index (`ZADD NX`: an indexed job keeps
 * its score) and registers their workspaces, in file-jobs.lua, which skips a job deleted since it
 * was read. Two round trips for the whole batch. Returns how many
 * were new to their index, and the ids now known indexed (keys that are not jobs are left out).
 */
export async function fileJobs(
  ctx: CoreContext,
  jobKeys: string[],
): Promise<{ indexed: number; ids: string[] }> {
  const jobs = await describe(ctx, jobKeys);
  if (jobs.length === 0) return { indexed: 0, ids: [] };
  const keyList: string[] = [keys.workspaces];
  const args: Array<string | number> = [];
  for (const job of jobs) {
    const ms = Date.parse(job.enqueuedAt ?? '');
    keyList.push(job.key, keys.workspaceIndex(job.ws));
    args.push(job.id, Number.isFinite(ms) ? ms : Date.now(), job.ws);
  }
  const replies = (await runScript(ctx.redis, scripts.fileJobs, keyList, args)) as number[];
  let indexed = 0;
  const ids: string[] = [];
  replies.forEach((reply, i) => {
    if (reply < 0) return;
    indexed += reply;
    ids.push(jobs[i]!.id);
  });
  return { indexed, ids };
}

/** The SCAN pattern of job keys of both schemas (`ai:jobs:*` and `ai:job:*`). */
export const JOB_KEY_PATTERN = 'ai:job*';

/**
 * One bounded step of the indexer, for cron (`queuescope index`): continues a SCAN saved in Redis
 * over the job keys and files jobs that other producers wrote (not through our enqueue) in their
 * workspace's index; when the step ends a pass it refreshes the stalest workspace's counts if
 * they are older than their max age. The
 * hosts run the same filing continuously (background-indexer.ts).
 */
export async function indexStep(ctx: CoreContext, steps = 4): Promise<IndexStep> {
  let cursor = (await ctx.redis.get(keys.indexScanCursor)) ?? '0';
  const out: IndexStep = { scanned: 0, indexed: 0, pass_complete: false, recounted: null };
  for (let i = 0; i < steps && !out.pass_complete; i++) {
    const [next, found] = await ctx.redis.scan(
      cursor,
      'MATCH',
      JOB_KEY_PATTERN,
      'COUNT',
      SCAN_COUNT,
    );
    out.scanned += found.length;
    out.indexed += (await fileJobs(ctx, found)).indexed;
    cursor = next;
    out.pass_complete = next === '0';
  }
  await ctx.redis.set(keys.indexScanCursor, cursor);
  if (out.pass_complete) out.recounted = await refreshStalest(ctx);
  return out;
}

/** Recounts the workspace whose counts are oldest, if they are older than the counts' max age. */
async function refreshStalest(ctx: CoreContext): Promise<string | null> {
  const workspaces = await ctx.redis.smembers(keys.workspaces);
  if (workspaces.length === 0) return null;
  const counts = await keptCounts(ctx, workspaces);
  let stalest = 0;
  counts.forEach((c, i) => {
    if ((c?.computedAt ?? 0) < (counts[stalest]?.computedAt ?? 0)) stalest = i;
  });
  const kept = counts[stalest];
  if (kept && Date.now() - kept.computedAt < COUNTS_MAX_AGE_MS) return null;
  await recountWorkspace(ctx, workspaces[stalest]!);
  return workspaces[stalest]!;
}
