import type { Cluster } from 'ioredis';
import type { DivergenceItem } from '../../../../shared/contract';
import { keys } from '../../keys';
import { classify, OLD_SIDE, type FlagTimeline } from '../../migration/classify';
import type { Finding } from '../../migration/compare-batch';
import type { Recheck } from '../../migration/recheck';
import { jobsInFlight } from '../in-flight';
import { compareNewKeys, compareOldKeys, type Limit } from './compare';
import { recheckIdempotencyOrphans, recheckQueueOrphans } from './orphans';
import { readKey } from './read-key';

function fromFinding(finding: Finding | undefined, flag: FlagTimeline): Recheck {
  if (!finding) return { kind: 'in_sync' };
  const item = classify(finding, flag);
  return item ? { kind: 'divergent', item } : { kind: 'gone' };
}

/** The key a wrong-type finding names ('{key} is a {type}'), or null for any other item. */
function wrongTypedKey(item: DivergenceItem): string | null {
  if (item.category !== 'mismatch' || !item.key) return null;
  const at = item.key.lastIndexOf(' is a ');
  return at > 0 ? item.key.slice(0, at) : null;
}

/**
 * Reads a batch of suspects again on a Redis Cluster and says what each is now, as recheck.ts does
 * on one server. A job whose enqueue is in flight (an intent names it) is no divergence: it is
 * dropped from the report, neither divergent nor in sync (docs/topologies.md "Divergence check on
 * a cluster").
 */
export async function recheckOnCluster(
  cluster: Cluster,
  suspects: DivergenceItem[],
  flag: FlagTimeline,
  scope: string,
  limit: Limit,
): Promise<Recheck[]> {
  const out: Recheck[] = new Array(suspects.length);
  const groups = { old: [] as number[], new: [] as number[], wrongType: [] as number[] };
  const queue: number[] = [];
  const idem: number[] = [];
  suspects.forEach((item, i) => {
    if (wrongTypedKey(item)) groups.wrongType.push(i);
    else if (item.category === 'orphan_queue_entry') queue.push(i);
    else if (item.category === 'orphan_idempotency_key') idem.push(i);
    else if (OLD_SIDE.has(item.category)) groups.old.push(i);
    else groups.new.push(i);
  });
  const inFlight = suspects.length ? await jobsInFlight(cluster) : new Set<string>();

  if (groups.old.length) {
    const ids = groups.old.map((i) => keys.oldJob(suspects[i]!.job_id));
    const result = await compareOldKeys(cluster, ids, scope, limit);
    const byId = new Map(result.findings.map((f) => [f.job_id, f]));
    for (const i of groups.old) out[i] = fromFinding(byId.get(suspects[i]!.job_id), flag);
  }
  if (groups.new.length) {
    const newKeyOf = (item: DivergenceItem) => keys.newJob(item.workspace_id ?? '', item.job_id);
    const result = await compareNewKeys(
      cluster,
      groups.new.map((i) => newKeyOf(suspects[i]!)),
      scope,
      limit,
    );
    const byKey = new Map(result.findings.map((f) => [keys.newJob(f.workspace_id, f.job_id), f]));
    for (const i of groups.new) out[i] = fromFinding(byKey.get(newKeyOf(suspects[i]!)), flag);
  }
  await Promise.all(
    groups.wrongType.map((i) =>
      limit(async () => {
        const now = await readKey(cluster, wrongTypedKey(suspects[i]!)!, 'peek');
        // Still another type: the same finding. Changed since: a write landed; the next check reads it.
        out[i] =
          now.kind === 'type' || now.kind === 'string'
            ? { kind: 'divergent', item: suspects[i]! }
            : { kind: 'gone' };
      }),
    ),
  );
  const orphanChecks: Array<[number[], typeof recheckQueueOrphans]> = [
    [queue, recheckQueueOrphans],
    [idem, recheckIdempotencyOrphans],
  ];
  for (const [indexes, check] of orphanChecks) {
    if (!indexes.length) continue;
    const again = await check(
      cluster,
      indexes.map((i) => suspects[i]!),
      limit,
    );
    indexes.forEach((i, j) => {
      const item = again[j];
      out[i] = item ? { kind: 'divergent', item } : { kind: 'in_sync' };
    });
  }
  return out.map((result) =>
    result.kind === 'divergent' && inFlight.has(result.item.job_id) ? { kind: 'gone' } : result,
  );
}
