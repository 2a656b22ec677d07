import type {
  JobPage,
  JobRow,
  JobStatus,
  SyncState,
  WorkspaceSummary,
} from '../../../shared/contract';
import { errorSummary } from '../../../shared/contract/error-summary';
import type { CoreContext } from '../context';
import { differingFields } from '../job-codec';
import { keys, OLD_JOB_PREFIX } from '../keys';
import { listReports } from '../migration/report-store';
import { orderKeys, runScript, scripts } from '../scripts';
import { classifyMissingInNew } from './awaiting-backfill';
import { workspaceCounts, zeroCounts } from './workspace-counts';

export interface ListJobsInput {
  workspace_id: string;
  status?: JobStatus | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  job_id_prefix?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

export function syncStateOf(
  oldHash: Record<string, string> | null,
  newHash: Record<string, string> | null,
  workspaceId: string,
): SyncState {
  if (!oldHash && newHash) return { state: 'missing_in_old' };
  if (oldHash && !newHash) return { state: 'missing_in_new' };
  if (!oldHash || !newHash) return { state: 'missing_in_new' };
  if (oldHash.workspace_id !== undefined && oldHash.workspace_id !== workspaceId) {
    return { state: 'workspace_mismatch', old_workspace: oldHash.workspace_id };
  }
  const fields = differingFields(oldHash, newHash);
  return fields.length ? { state: 'mismatch', fields } : { state: 'in_sync' };
}

async function readPairs(ctx: CoreContext, workspaceId: string, ids: string[]) {
  const pipeline = ctx.redis.pipeline();
  for (const id of ids) {
    pipeline.hgetall(keys.oldJob(id));
    pipeline.hgetall(keys.newJob(workspaceId, id));
  }
  const replies = (await pipeline.exec()) ?? [];
  const asHash = (i: number) => {
    const [error, value] = replies[i] ?? [null, null];
    const hash = (error ? null : value) as Record<string, string> | null;
    return hash && Object.keys(hash).length ? hash : null;
  };
  return ids.map((id, i) => ({ id, old: asHash(2 * i), new: asHash(2 * i + 1) }));
}

/** A failed copy's error in one line (docs/triage.md, "Error column"). */
function rowError(pair: {
  old: Record<string, string> | null;
  new: Record<string, string> | null;
}): string | null {
  const failed = [pair.old, pair.new].find((hash) => hash?.status === 'failed');
  return failed ? errorSummary(failed.result) : null;
}

function toRow(
  workspaceId: string,
  pair: { id: string; old: Record<string, string> | null; new: Record<string, string> | null },
): JobRow {
  const base = pair.old ?? pair.new ?? {};
  const error = rowError(pair);
  return {
    job_id: pair.id,
    action: [base.action_provider, base.action_name].filter(Boolean).join('.'),
    actor: base.actor_id ?? '',
    old_status: pair.old?.status ?? null,
    new_status: pair.new?.status ?? null,
    enqueued_at: base.enqueued_at ?? null,
    started_at: base.started_at ?? null,
    finished_at: base.finished_at ?? null,
    attempts: Number(base.attempts ?? 0) || 0,
    sync: syncStateOf(pair.old, pair.new, workspaceId),
    ...(error ? { error } : {}),
  };
}

/** The rows of these jobs of a workspace, read from both schemas now. */
export async function readRows(
  ctx: CoreContext,
  workspaceId: string,
  ids: string[],
): Promise<JobRow[]> {
  const pairs = await readPairs(ctx, workspaceId, ids);
  const rows = pairs.map((pair) => toRow(workspaceId, pair));
  await classifyMissingInNew(ctx, rows);
  return rows;
}

/** Index ids a status filter reads per script call. */
const FILTER_SLICE = 200;

/**
 * Fills a filtered page from the index, one bounded script call (`match`, at most FILTER_SLICE ids
 * from `offset`, returning how many ids it read and the matches) at a time, until `limit` ids are
 * found, `stopAt` is reached, or the deadline passes.
 */
async function pageFiltered(
  match: (offset: number, slice: number, wanted: number) => Promise<Array<string | number>>,
  offset: number,
  stopAt: number,
  limit: number,
  deadline = Infinity,
): Promise<{ ids: string[]; offset: number }> {
  const ids: string[] = [];
  while (ids.length < limit && offset < stopAt && Date.now() < deadline) {
    const reply = await match(offset, Math.min(FILTER_SLICE, stopAt - offset), limit - ids.length);
    const consumed = Number(reply[0]);
    ids.push(...(reply.slice(1) as string[]));
    offset += consumed;
    if (consumed === 0) break;
  }
  return { ids, offset };
}

/** Ids of the page under a status filter, statuses read inside Redis in bounded slices. */
function idsWithStatus(
  ctx: CoreContext,
  workspaceId: string,
  status: string,
  offset: number,
  total: number,
  limit: number,
): Promise<{ ids: string[]; offset: number }> {
  const keyList = orderKeys(scripts.filterByStatus, { index: keys.workspaceIndex(workspaceId) });
  const match = (from: number, slice: number, wanted: number) =>
    runScript(ctx.redis, scripts.filterByStatus, keyList, [
      OLD_JOB_PREFIX,
      keys.newJob(workspaceId, ''),
      from,
      slice,
      status,
      wanted,
    ]) as Promise<Array<string | number>>;
  return pageFiltered(match, offset, total, limit);
}

/** A workspace's jobs from its index, newest first; the cursor is the index offset to resume at. */
export async function listJobs(ctx: CoreContext, input: ListJobsInput): Promise<JobPage> {
  const limit = input.limit ?? 100;
  const indexKey = keys.workspaceIndex(input.workspace_id);
  const total = await ctx.redis.zcard(indexKey);
  const offset = Number(input.cursor ?? 0) || 0;
  const textFilters = Boolean(input.action || input.actor || input.job_id_prefix);
  const page = textFilters
    ? await idsMatchingText(ctx, input, offset, total, limit)
    : input.status
      ? await idsWithStatus(ctx, input.workspace_id, input.status, offset, total, limit)
      : { ids: await ctx.redis.zrevrange(indexKey, offset, offset + limit - 1), offset: 0 };
  // Without filters every id read is a row, so the page ends after them.
  const reached = textFilters || input.status ? page.offset : offset + page.ids.length;
  const rows = await readRows(ctx, input.workspace_id, page.ids);
  const next = reached < total ? String(reached) : null;
  return { rows, next_cursor: next, total, ...(textFilters ? { searched: reached } : {}) };
}

/**
 * Index entries one filtered listing may search before it answers (docs/triage.md): a filter that
 * matches little on a 100,000-job workspace answers in steps with how far it got, never in one
 * walk of the whole index.
 */
export const TEXT_FILTER_BUDGET = { ids: 10_000, ms: 250 };

/** Ids of the page under action/actor/id filters, matched inside Redis in bounded slices. */
function idsMatchingText(
  ctx: CoreContext,
  input: ListJobsInput,
  offset: number,
  total: number,
  limit: number,
): Promise<{ ids: string[]; offset: number }> {
  const keyList = orderKeys(scripts.filterJobs, { index: keys.workspaceIndex(input.workspace_id) });
  const match = (from: number, slice: number, wanted: number) =>
    runScript(ctx.redis, scripts.filterJobs, keyList, [
      OLD_JOB_PREFIX,
      keys.newJob(input.workspace_id, ''),
      from,
      slice,
      input.status ?? '',
      input.action?.toLowerCase() ?? '',
      input.actor?.toLowerCase() ?? '',
      input.job_id_prefix ?? '',
      wanted,
    ]) as Promise<Array<string | number>>;
  const stopAt = Math.min(total, offset + TEXT_FILTER_BUDGET.ids);
  return pageFiltered(match, offset, stopAt, limit, Date.now() + TEXT_FILTER_BUDGET.ms);
}

/**
 * Divergent jobs per workspace, each from the newest completed check that covered it: a whole-Redis
 * check or one scoped to that workspace, so a clean re-check of one workspace clears its ≠ badge.
 */
async function lastDivergence(
  ctx: CoreContext,
  workspaces: string[],
): Promise<Record<string, number> | null> {
  const reports = (await listReports(ctx, 20)).filter((r) => r.state === 'completed');
  if (reports.length === 0) return null;
  return Object.fromEntries(
    workspaces.flatMap((ws) => {
      const last = reports.find((r) => r.workspace_id === null || r.workspace_id === ws);
      return last ? [[ws, last.by_workspace?.[ws] ?? 0]] : [];
    }),
  );
}

/**
 * Every workspace in the registry with status counts per schema, from kept counts (never a keyspace
 * walk). It never waits on counting a big workspace: one not counted yet is listed at once with
 * `counting: true` and zero counts while a background recount runs.
 */
export async function listWorkspaces(ctx: CoreContext): Promise<WorkspaceSummary[]> {
  const workspaces = (await ctx.redis.smembers(keys.workspaces)).sort();
  const [counts, divergent] = await Promise.all([
    workspaceCounts(ctx, workspaces),
    lastDivergence(ctx, workspaces),
  ]);
  return workspaces.map((ws, i) => {
    const known = counts[i];
    return {
      workspace_id: ws,
      old: known?.old ?? zeroCounts(),
      new: known?.new ?? zeroCounts(),
      ...(known ? {} : { counting: true as const }),
      ...(divergent ? { divergent: divergent[ws] ?? 0 } : {}),
    };
  });
}
