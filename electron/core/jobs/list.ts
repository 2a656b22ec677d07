import type {
  JobPage,
  JobRow,
  JobStatus,
  SyncState,
  WorkspaceSummary,
} from '../../../shared/contract';
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

function toRow(
  workspaceId: string,
  pair: { id: string; old: Record<string, string> | null; new: Record<string, string> | null },
): JobRow {
  const base = pair.old ?? pair.new ?? {};
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
  };
}

function matches(row: JobRow, input: ListJobsInput): boolean {
  if (input.status && row.old_status !== input.status && row.new_status !== input.status)
    return false;
  if (input.action && !row.action.includes(input.action)) return false;
  if (input.actor && row.actor !== input.actor) return false;
  if (input.job_id_prefix && !row.job_id.startsWith(input.job_id_prefix)) return false;
  return true;
}

/** Index ids a status filter reads per script call. */
const FILTER_SLICE = 200;

/** Ids of the page under a status filter, statuses read inside Redis in bounded slices. */
async function idsWithStatus(
  ctx: CoreContext,
  workspaceId: string,
  status: string,
  offset: number,
  total: number,
  limit: number,
): Promise<{ ids: string[]; offset: number }> {
  const keyList = orderKeys(scripts.filterByStatus, { index: keys.workspaceIndex(workspaceId) });
  const ids: string[] = [];
  while (ids.length < limit && offset < total) {
    const reply = (await runScript(ctx.redis, scripts.filterByStatus, keyList, [
      OLD_JOB_PREFIX,
      keys.newJob(workspaceId, ''),
      offset,
      FILTER_SLICE,
      status,
      limit - ids.length,
    ])) as Array<string | number>;
    const consumed = Number(reply[0]);
    ids.push(...(reply.slice(1) as string[]));
    offset += consumed;
    if (consumed === 0) break;
  }
  return { ids, offset };
}

/** A workspace's jobs from its index, newest first; the cursor is the index offset to resume at. */
export async function listJobs(ctx: CoreContext, input: ListJobsInput): Promise<JobPage> {
  const limit = input.limit ?? 100;
  const indexKey = keys.workspaceIndex(input.workspace_id);
  const total = await ctx.redis.zcard(indexKey);
  let offset = Number(input.cursor ?? 0) || 0;
  const otherFilters = Boolean(input.action || input.actor || input.job_id_prefix);
  if (input.status && !otherFilters) {
    const page = await idsWithStatus(ctx, input.workspace_id, input.status, offset, total, limit);
    const pairs = await readPairs(ctx, input.workspace_id, page.ids);
    const rows = pairs.map((pair) => toRow(input.workspace_id, pair));
    await classifyMissingInNew(ctx, rows);
    return { rows, next_cursor: page.offset < total ? String(page.offset) : null, total };
  }
  const rows: JobRow[] = [];
  // Without filters every id read is a row: read just the page.
  const batch = input.status || otherFilters ? Math.max(limit, 200) : limit;
  while (rows.length < limit && offset < total) {
    const ids = await ctx.redis.zrevrange(indexKey, offset, offset + batch - 1);
    if (ids.length === 0) break;
    const pairs = await readPairs(ctx, input.workspace_id, ids);
    let used = 0;
    for (const pair of pairs) {
      used++;
      const row = toRow(input.workspace_id, pair);
      if (matches(row, input)) rows.push(row);
      if (rows.length >= limit) break;
    }
    offset += used;
  }
  await classifyMissingInNew(ctx, rows);
  return { rows, next_cursor: offset < total ? String(offset) : null, total };
}

/** Divergent jobs per workspace from the newest completed whole-Redis divergence check. */
async function lastDivergence(ctx: CoreContext): Promise<Record<string, number> | null> {
  const reports = await listReports(ctx, 5);
  const last = reports.find((r) => r.state === 'completed' && r.workspace_id === null);
  return last?.by_workspace ?? null;
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
    lastDivergence(ctx),
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
