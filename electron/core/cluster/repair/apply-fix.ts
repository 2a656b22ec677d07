import type { Cluster, Redis } from 'ioredis';
import type { DivergenceItem } from '../../../../shared/contract';
import type { CoreContext } from '../../context';
import { jobFixOf } from '../../migration/repair-fix';
import { outcomeOfError, skippedFor, type FixOutcome } from '../../migration/repair-outcome';
import { keys } from '../../keys';
import {
  combineConfirmations,
  durabilityPolicy,
  type DurabilityPolicy,
} from '../../redis/durability';
import { runScript, scripts } from '../../scripts';
import { clusterEnqueueKeys } from '../slot-tags';
import { copyPair } from './copy-pair';

/**
 * Repair of one report item on a Redis Cluster (docs/topologies.md "Repair on a cluster"): the
 * same fixes as repair-job.lua, as single-slot steps. A copy is written compare-and-set in its
 * own slot (copy-pair.ts); the index entries, in theirs, afterwards.
 */

async function dropOrphanIdempotency(cluster: Cluster, item: DivergenceItem): Promise<FixOutcome> {
  const idem = item.key ?? '';
  const [old, copy] = await Promise.all([
    cluster.exists(keys.oldJob(item.job_id)),
    cluster.exists(keys.newJob(item.workspace_id ?? '', item.job_id)),
  ]);
  if (old || copy) return skippedFor('changed');
  const [ok, reason] = (await runScript(
    cluster as unknown as Redis,
    scripts.clusterDropIdempotency,
    [idem, clusterEnqueueKeys.requestIntent(idem)],
    [item.job_id],
  )) as [number, string?];
  return ok === 1 ? { kind: 'applied' } : skippedFor(reason);
}

/** Drops the stray copy of a move, only while it is still what the check saw. */
function dropStray(
  cluster: Cluster,
  item: DivergenceItem,
  stray: string,
  policy: DurabilityPolicy,
): Promise<FixOutcome> {
  const drop = {
    jobId: item.job_id,
    source: '',
    expectSource: '',
    target: stray,
    expectTarget: item.new_fingerprint ?? '',
  };
  return copyPair(cluster, drop, policy);
}

async function repairJob(
  cluster: Cluster,
  item: DivergenceItem,
  policy: DurabilityPolicy,
): Promise<FixOutcome> {
  const fix = jobFixOf(item);
  const { old, new: copy, index, stray, strayIndex } = fix.keys;
  let outcome: FixOutcome;
  if (fix.action === 'new_to_old') {
    outcome = await copyPair(
      cluster,
      {
        jobId: fix.jobId,
        source: copy,
        expectSource: fix.expectOther,
        target: old,
        expectTarget: fix.expectOld,
      },
      policy,
    );
  } else {
    // A move creates the workspace's own copy only where there is none (the check saw none).
    outcome = await copyPair(
      cluster,
      {
        jobId: fix.jobId,
        source: old,
        expectSource: fix.expectOld,
        target: copy,
        expectTarget: fix.action === 'move' ? '' : fix.expectOther,
      },
      policy,
    );
    if (fix.action === 'move' && outcome.kind === 'skipped' && outcome.reason.startsWith('changed'))
      outcome = (await cluster.exists(copy)) ? skippedFor('occupied') : outcome;
  }
  if (outcome.kind !== 'applied') return outcome;
  await cluster.zadd(index, fix.score, fix.jobId).catch(() => 0);
  if (fix.action !== 'move') return outcome;
  const dropped = await dropStray(cluster, item, stray, policy);
  // Two commits, each on its own connection: the fix is confirmed once both are.
  const commit = combineConfirmations([outcome.commit, dropped.commit]);
  if (dropped.kind !== 'applied')
    return {
      ...skippedFor(
        `the copy under ${item.old_workspace ?? '?'} was created, but the stray copy ${stray} changed since the check and was kept; run a divergence check`,
      ),
      commit,
    };
  await cluster.zrem(strayIndex, fix.jobId).catch(() => 0);
  return { ...outcome, commit };
}

/** Applies one fix by compare-and-set on a cluster and says how it went; never throws. */
export async function applyFixCluster(ctx: CoreContext, item: DivergenceItem): Promise<FixOutcome> {
  const cluster = ctx.redis as unknown as Cluster;
  try {
    return item.category === 'orphan_idempotency_key'
      ? await dropOrphanIdempotency(cluster, item)
      : await repairJob(cluster, item, durabilityPolicy(ctx.config));
  } catch (error) {
    return outcomeOfError(error, item.job_id);
  }
}
