import type { Cluster } from 'ioredis';
import type { DivergenceItem } from '../../../../shared/contract';
import { IDEMPOTENCY_PREFIX, keys } from '../../keys';
import { QUEUE_PAGE } from '../../migration/orphans';
import type { Limit } from './compare';
import { readKey } from './read-key';

/**
 * Orphan queue entries and idempotency keys on a Redis Cluster, as migration/orphans.ts finds them
 * on one server, each key read on its own (its job's copies sit in other slots).
 */

async function exists(cluster: Cluster, key: string): Promise<boolean> {
  return (await readKey(cluster, key, 'peek')).kind !== 'none';
}

/** Idempotency keys (still) pointing to a job missing from both schemas. */
export async function idempotencyOrphans(
  cluster: Cluster,
  idemKeys: string[],
  limit: Limit,
): Promise<DivergenceItem[]> {
  const items = await Promise.all(
    idemKeys.map((key) =>
      limit(async (): Promise<DivergenceItem | null> => {
        const held = await readKey(cluster, key, 'peek');
        if (held.kind !== 'string' || !held.value) return null;
        const jobId = held.value;
        const rest = key.slice(IDEMPOTENCY_PREFIX.length);
        const workspaceId = rest.slice(0, Math.max(0, rest.indexOf(':')));
        const [old, copy] = await Promise.all([
          exists(cluster, keys.oldJob(jobId)),
          exists(cluster, keys.newJob(workspaceId, jobId)),
        ]);
        if (old || copy) return null;
        return {
          category: 'orphan_idempotency_key',
          job_id: jobId,
          workspace_id: workspaceId || null,
          key,
        };
      }),
    ),
  );
  return items.filter((item): item is DivergenceItem => item !== null);
}

/** Queue entries at [offset, offset + QUEUE_PAGE) whose old job hash is missing; null at the end. */
export async function queueOrphans(
  cluster: Cluster,
  offset: number,
  limit: Limit,
): Promise<{ read: number; items: DivergenceItem[] } | null> {
  const ids = await cluster.lrange(keys.queue, offset, offset + QUEUE_PAGE - 1);
  if (ids.length === 0) return null;
  const present = await Promise.all(ids.map((id) => limit(() => exists(cluster, keys.oldJob(id)))));
  const items = ids.flatMap((id, i): DivergenceItem[] =>
    present[i]
      ? []
      : [{ category: 'orphan_queue_entry', job_id: id, workspace_id: null, key: keys.queue }],
  );
  return { read: ids.length, items };
}

/** Re-checks orphan queue entries: those whose old hash is still missing. */
export async function recheckQueueOrphans(
  cluster: Cluster,
  items: DivergenceItem[],
  limit: Limit,
): Promise<Array<DivergenceItem | null>> {
  return Promise.all(
    items.map((item) =>
      limit(async () => ((await exists(cluster, keys.oldJob(item.job_id))) ? null : item)),
    ),
  );
}

/** Re-checks orphan idempotency keys: still there, same id, job still missing. */
export async function recheckIdempotencyOrphans(
  cluster: Cluster,
  items: DivergenceItem[],
  limit: Limit,
): Promise<Array<DivergenceItem | null>> {
  const still = await idempotencyOrphans(
    cluster,
    items.map((item) => item.key ?? ''),
    limit,
  );
  const byKey = new Map(still.map((item) => [item.key, item]));
  return items.map((item) => {
    const now = byKey.get(item.key);
    return now && now.job_id === item.job_id ? now : null;
  });
}
