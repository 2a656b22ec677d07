import type { FindJobResult, FoundJob } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { ValidationError } from '../errors';
import { keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX, parseNewJobKey } from '../keys';

export interface FindJobInput {
  query: string;
  cursor?: string | undefined;
  budget_ms?: number | undefined;
  limit?: number | undefined;
}

/** Time one call may walk keys by default; the console and the CLI go on with the cursor. */
export const FIND_BUDGET_MS = 1500;
/** Keys per SCAN step: each step stays well under a millisecond of Redis time. */
const SCAN_COUNT = 1000;
/** Registered workspaces probed per round trip for an exact new-schema key. */
const PROBE_BATCH = 500;

/** Where a search stands between calls; carried by the caller as an opaque cursor. */
interface SearchState {
  /** The SCAN cursor to continue from. */
  c: string;
  /** Keys looked at so far (SCAN steps × COUNT, at most the keyspace). */
  n: number;
  /** DBSIZE when the search started. */
  k: number;
  /** Ids found so far, each with the workspaces of the new keys seen for it. */
  f: Array<[string, string[]]>;
}

/**
 * Finds a job by its id or a part of it in every workspace (docs/triage.md, "Find any job"): the
 * exact old key, then the exact new key under every registered workspace, then a walk of the job
 * keys with `SCAN MATCH` in steps until the time budget is spent. The walk reads the keyspace, not
 * Queuescope's indexes, so it finds jobs other producers wrote that no index knows.
 */
export async function findJob(ctx: CoreContext, input: FindJobInput): Promise<FindJobResult> {
  const limit = input.limit ?? 20;
  // A key pasted from redis-cli or a log finds its job too.
  const query = jobIdOfKey(input.query) ?? input.query;
  if (input.cursor === undefined) {
    const exact = await exactMatch(ctx, query);
    if (exact) {
      return {
        query,
        matches: [exact],
        exact: true,
        unique: true,
        complete: true,
        scanned: 0,
        keyspace: 0,
        cursor: null,
        truncated: false,
      };
    }
  }
  const state = input.cursor
    ? decodeCursor(input.cursor)
    : { c: '0', n: 0, k: await ctx.redis.dbsize(), f: [] };
  const found = new Map(state.f);
  const pattern = `ai:job*${caselessGlob(query)}*`;
  const needle = query.toLowerCase();
  const deadline = Date.now() + (input.budget_ms ?? FIND_BUDGET_MS);
  let cursor = state.c;
  let started = input.cursor !== undefined;
  while ((!started || cursor !== '0') && found.size <= limit && Date.now() < deadline) {
    started = true;
    const [next, batch] = await ctx.redis.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_COUNT);
    cursor = next;
    state.n = Math.min(state.k || Infinity, state.n + SCAN_COUNT);
    for (const key of batch) {
      const id = jobIdOfKey(key);
      if (id === null || !id.toLowerCase().includes(needle)) continue;
      const seen = found.get(id) ?? [];
      const ws = parseNewJobKey(key)?.workspaceId;
      found.set(id, ws && !seen.includes(ws) ? [...seen, ws] : seen);
    }
  }
  const complete = started && cursor === '0';
  if (complete) state.n = Math.max(state.n, state.k);
  const truncated = found.size > limit;
  const entries = [...found].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const matches = await describeJobs(ctx, entries.slice(0, limit));
  const exact = matches.some((m) => m.job_id === query);
  if (exact) matches.sort((a, b) => Number(b.job_id === query) - Number(a.job_id === query));
  return {
    query,
    matches,
    exact,
    unique: exact || (complete && matches.length === 1),
    complete,
    scanned: state.n,
    keyspace: state.k,
    cursor: complete || truncated ? null : encodeCursor({ ...state, c: cursor, f: entries }),
    truncated,
  };
}

/** The job with exactly this id: its old key, else its new key under a registered workspace. */
async function exactMatch(ctx: CoreContext, jobId: string): Promise<FoundJob | null> {
  const [type, oldFields] = await Promise.all([
    ctx.redis.type(keys.oldJob(jobId)),
    ctx.redis.hmget(keys.oldJob(jobId), 'workspace_id', 'status').catch(() => [null, null]),
  ]);
  const workspaces = await ctx.redis.smembers(keys.workspaces);
  const newIn = await workspacesHolding(ctx, workspaces, jobId);
  if (type === 'hash') {
    const workspace = oldFields[0] || newIn[0] || null;
    return {
      job_id: jobId,
      workspace_id: workspace,
      status: oldFields[1] ?? null,
      in_old: true,
      new_in: newIn,
    };
  }
  if (newIn.length === 0) return null;
  const status = await ctx.redis.hget(keys.newJob(newIn[0]!, jobId), 'status').catch(() => null);
  return { job_id: jobId, workspace_id: newIn[0]!, status, in_old: false, new_in: newIn };
}

/** Registered workspaces whose new key holds this job, in bounded pipelines. */
export async function workspacesHolding(ctx: CoreContext, workspaces: string[], jobId: string) {
  const holding: string[] = [];
  for (let i = 0; i < workspaces.length; i += PROBE_BATCH) {
    const slice = workspaces.slice(i, i + PROBE_BATCH);
    const pipeline = ctx.redis.pipeline();
    for (const ws of slice) pipeline.exists(keys.newJob(ws, jobId));
    const replies = (await pipeline.exec()) ?? [];
    replies.forEach(([error, n], j) => {
      if (!error && Number(n) > 0) holding.push(slice[j]!);
    });
  }
  return holding.sort();
}

/**
 * Workspace and status of each found id: from its old copy, else its new copies, looked for under
 * the registered workspaces and the workspaces of the new keys the walk met (a few pipelines).
 */
async function describeJobs(
  ctx: CoreContext,
  found: Array<[string, string[]]>,
): Promise<FoundJob[]> {
  if (found.length === 0) return [];
  const registered = await ctx.redis.smembers(keys.workspaces);
  const pipeline = ctx.redis.pipeline();
  for (const [id] of found) pipeline.hmget(keys.oldJob(id), 'workspace_id', 'status');
  const replies = (await pipeline.exec()) ?? [];
  return Promise.all(
    found.map(async ([id, seen], i) => {
      const [error, fields] = replies[i] ?? [null, null];
      const [ws, status] = (error ? [null, null] : fields) as [string | null, string | null];
      const inOld = ws !== null || status !== null;
      const candidates = [...new Set([...(ws ? [ws] : registered), ...seen])];
      const newIn = await workspacesHolding(ctx, candidates, id);
      const newStatus =
        !inOld && newIn[0]
          ? await ctx.redis.hget(keys.newJob(newIn[0], id), 'status').catch(() => null)
          : null;
      return {
        job_id: id,
        workspace_id: ws || newIn[0] || null,
        status: inOld ? status : newStatus,
        in_old: inOld,
        new_in: newIn,
      };
    }),
  );
}

/** The job id of an old or new job key; null for any other key the pattern met. */
export function jobIdOfKey(key: string): string | null {
  if (key.startsWith(OLD_JOB_PREFIX)) return key.slice(OLD_JOB_PREFIX.length) || null;
  if (key.startsWith(NEW_JOB_PREFIX)) return parseNewJobKey(key)?.jobId || null;
  return null;
}

/** A SCAN MATCH pattern for the text in any case of its ASCII letters, glob characters escaped. */
export function caselessGlob(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    const upper = ch.toUpperCase();
    if (/[a-z]/i.test(ch) && lower !== upper) out += `[${lower}${upper}]`;
    else if ('*?[]\\^'.includes(ch)) out += `\\${ch}`;
    else out += ch;
  }
  return out;
}

function encodeCursor(state: SearchState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor(cursor: string): SearchState {
  try {
    const state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as SearchState;
    if (typeof state.c === 'string' && Array.isArray(state.f)) return state;
  } catch {
    // Falls through to the error below.
  }
  throw new ValidationError(
    'cursor is not one findJob returned; start the search again without a cursor.',
    { field: 'cursor' },
  );
}
