import type { Cluster } from 'ioredis';
import type { DivergenceItem } from '../../../../shared/contract';
import type { FlagTimeline } from '../../migration/classify';
import { recheckWith, type Recheck } from '../../migration/recheck-reads';
import { jobsInFlight } from '../in-flight';
import { compareNewKeys, compareOldKeys, type Limit } from './compare';
import { recheckIdempotencyOrphans, recheckQueueOrphans } from './orphans';
import { readKey } from './read-key';

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
  const inFlight = suspects.length ? await jobsInFlight(cluster) : new Set<string>();
  const out = await recheckWith(suspects, flag, {
    compareOld: (oldKeys) => compareOldKeys(cluster, oldKeys, scope, limit),
    compareNew: (newKeys) => compareNewKeys(cluster, newKeys, scope, limit),
    stillWrongTyped: (wrongKeys) =>
      Promise.all(
        wrongKeys.map((key) =>
          limit(async () => {
            const now = await readKey(cluster, key, 'peek');
            return now.kind === 'type' || now.kind === 'string';
          }),
        ),
      ),
    queueOrphans: (items) => recheckQueueOrphans(cluster, items, limit),
    idempotencyOrphans: (items) => recheckIdempotencyOrphans(cluster, items, limit),
  });
  return out.map((result) =>
    result.kind === 'divergent' && inFlight.has(result.item.job_id) ? { kind: 'gone' } : result,
  );
}
