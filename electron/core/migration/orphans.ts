import type { DivergenceItem } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { IDEMPOTENCY_PREFIX, keys } from '../keys';

/** Queue entries read per LRANGE. */
export const QUEUE_PAGE = 500;

async function existing(ctx: CoreContext, keyList: string[]): Promise<boolean[]> {
  if (keyList.length === 0) return [];
  const pipeline = ctx.redis.pipeline();
  for (const key of keyList) pipeline.exists(key);
  const replies = (await pipeline.exec()) ?? [];
  return replies.map(([error, n]) => !error && Number(n) > 0);
}

/**
 * Whether every key is there, in one EXISTS: the common case of a page or a step, answered without
 * a command per key. EXISTS counts a key named twice twice, so the sum equals the count only then.
 */
async function allExist(ctx: CoreContext, keyList: string[]): Promise<boolean> {
  return (await ctx.redis.exists(keyList)) === keyList.length;
}

/** Queue entries at [offset, offset + QUEUE_PAGE) whose old job hash is missing; null at the end. */
export async function orphanQueueEntries(
  ctx: CoreContext,
  offset: number,
): Promise<{ read: number; items: DivergenceItem[] } | null> {
  const ids = await ctx.redis.lrange(keys.queue, offset, offset + QUEUE_PAGE - 1);
  if (ids.length === 0) return null;
  const oldKeys = ids.map((id) => keys.oldJob(id));
  if (await allExist(ctx, oldKeys)) return { read: ids.length, items: [] };
  const present = await existing(ctx, oldKeys);
  const items = ids.flatMap((id, i): DivergenceItem[] =>
    present[i]
      ? []
      : [{ category: 'orphan_queue_entry', job_id: id, workspace_id: null, key: keys.queue }],
  );
  return { read: ids.length, items };
}

/** Idempotency keys (still) pointing to a job missing from both schemas. */
export async function checkIdempotencyKeys(
  ctx: CoreContext,
  idemKeys: string[],
): Promise<DivergenceItem[]> {
  if (idemKeys.length === 0) return [];
  // One MGET, and one EXISTS over every candidate's old copy: in the common case every job is
  // there and no pipeline of a command per key is needed (the check meets these keys every step).
  const values = await ctx.redis.mget(idemKeys);
  const candidates = idemKeys.flatMap((key, i) => {
    const jobId = values[i];
    if (!jobId) return [];
    const rest = key.slice(IDEMPOTENCY_PREFIX.length);
    const workspaceId = rest.slice(0, Math.max(0, rest.indexOf(':')));
    return [{ key, jobId, workspaceId }];
  });
  if (candidates.length === 0) return [];
  const oldKeys = candidates.map((c) => keys.oldJob(c.jobId));
  if (await allExist(ctx, oldKeys)) return [];
  const present = await existing(
    ctx,
    candidates.flatMap((c) => [keys.oldJob(c.jobId), keys.newJob(c.workspaceId, c.jobId)]),
  );
  return candidates.flatMap((c, i): DivergenceItem[] =>
    present[2 * i] || present[2 * i + 1]
      ? []
      : [
          {
            category: 'orphan_idempotency_key',
            job_id: c.jobId,
            workspace_id: c.workspaceId || null,
            key: c.key,
          },
        ],
  );
}

/** Re-checks orphan queue entries: those whose old hash is still missing. */
export async function recheckQueueEntries(
  ctx: CoreContext,
  items: DivergenceItem[],
): Promise<Array<DivergenceItem | null>> {
  const present = await existing(
    ctx,
    items.map((item) => keys.oldJob(item.job_id)),
  );
  return items.map((item, i) => (present[i] ? null : item));
}

/** Re-checks orphan idempotency keys: still there, same id, job still missing. */
export async function recheckIdempotencyKeys(
  ctx: CoreContext,
  items: DivergenceItem[],
): Promise<Array<DivergenceItem | null>> {
  const still = await checkIdempotencyKeys(
    ctx,
    items.map((item) => item.key ?? ''),
  );
  const byKey = new Map(still.map((item) => [item.key, item]));
  return items.map((item) => {
    const now = byKey.get(item.key);
    return now && now.job_id === item.job_id ? now : null;
  });
}
