import type {
  JobPage,
  JobRow,
  JobStatus,
  StatusCounts,
  SyncState,
  WorkspaceSummary,
} from '../../../shared/contract';
import type { CoreContext } from '../context';
import { differingFields } from '../job-codec';
import { keys } from '../keys';

export interface ListJobsInput {
  workspace_id: string;
  status?: JobStatus | undefined;
  action?: string | undefined;
  actor?: string | undefined;
  job_id_prefix?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

const emptyCounts = (): StatusCounts => ({
  pending: 0,
  running: 0,
  completed: 0,
  failed: 0,
  other: 0,
});

function count(counts: StatusCounts, status: string | null): void {
  if (status === null) return;
  if (status === 'pending' || status === 'running' || status === 'completed' || status === 'failed')
    counts[status]++;
  else counts.other++;
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

/** A workspace's jobs from its index, newest first; the cursor is the index offset to resume at. */
export async function listJobs(ctx: CoreContext, input: ListJobsInput): Promise<JobPage> {
  const limit = input.limit ?? 100;
  const indexKey = keys.workspaceIndex(input.workspace_id);
  const total = await ctx.redis.zcard(indexKey);
  let offset = Number(input.cursor ?? 0) || 0;
  const rows: JobRow[] = [];
  const batch = Math.max(limit, 200);
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
  return { rows, next_cursor: offset < total ? String(offset) : null, total };
}

/** Every workspace in the registry with status counts per schema. */
export async function listWorkspaces(ctx: CoreContext): Promise<WorkspaceSummary[]> {
  const workspaces = (await ctx.redis.smembers(keys.workspaces)).sort();
  const summaries: WorkspaceSummary[] = [];
  for (const ws of workspaces) {
    const summary: WorkspaceSummary = { workspace_id: ws, old: emptyCounts(), new: emptyCounts() };
    const ids = await ctx.redis.zrange(keys.workspaceIndex(ws), '0', '-1');
    for (let i = 0; i < ids.length; i += 500) {
      const pipeline = ctx.redis.pipeline();
      for (const id of ids.slice(i, i + 500)) {
        pipeline.hget(keys.oldJob(id), 'status');
        pipeline.hget(keys.newJob(ws, id), 'status');
      }
      const replies = (await pipeline.exec()) ?? [];
      replies.forEach(([error, status], j) => {
        if (!error)
          count(j % 2 === 0 ? summary.old : summary.new, (status as string | null) ?? null);
      });
    }
    summaries.push(summary);
  }
  return summaries;
}
