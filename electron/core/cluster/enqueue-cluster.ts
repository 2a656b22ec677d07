import type { Cluster, Redis } from 'ioredis';
import type { EnqueueManyItem, EnqueueOutcome } from '../../../shared/contract';
import { enqueueInput } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { toApiError } from '../error-mapping';
import { prepareJob } from '../jobs/prepare-job';
import { durabilityPolicy } from '../redis/durability';
import { unconfirmedItem } from '../unconfirmed';
import { validate } from '../validate';
import { EnqueueUnconfirmed } from './confirm-on-owners';
import {
  enqueueOnCluster,
  recoverIntent,
  type ClusterEnqueueEnv,
  type RecoveryOutcome,
} from './enqueue-protocol';
import { INTENT_PREFIX } from './slot-tags';

/** Default lease of a cluster enqueue's intent: a crashed call is recovered within about this. */
export const DEFAULT_LEASE_MS = 5000;
/** Jobs of one enqueueMany in flight at once: each job is a few round trips to several masters. */
const IN_FLIGHT = 64;

/** The protocol's settings from the core's context (the context's redis is the Cluster client). */
export function clusterEnqueueEnv(ctx: CoreContext, leaseMs = DEFAULT_LEASE_MS): ClusterEnqueueEnv {
  return {
    cluster: ctx.redis as unknown as Cluster,
    defaultFlag: ctx.config.defaultFlag,
    idempotencyTtlSec: ctx.config.idempotencyTtlSec,
    metricsRetentionSec: ctx.config.metricsRetentionSec,
    leaseMs,
    durability: durabilityPolicy(ctx.config),
  };
}

/** enqueue on a cluster: input validated by the contract schema already. */
export function enqueueCluster(
  env: ClusterEnqueueEnv,
  ctx: CoreContext,
  input: Parameters<typeof prepareJob>[0],
): Promise<EnqueueOutcome> {
  return enqueueOnCluster(env, prepareJob(input, ctx.config.maxJsonBytes));
}

/** enqueueMany on a cluster: every job its own outcome, as on one server (docs/operations.md). */
export async function enqueueManyCluster(
  env: ClusterEnqueueEnv,
  ctx: CoreContext,
  jobs: unknown[],
): Promise<{ results: EnqueueManyItem[] }> {
  const results: EnqueueManyItem[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++;
      try {
        const job = prepareJob(validate(enqueueInput, jobs[index]), ctx.config.maxJsonBytes);
        results[index] = await enqueueOnCluster(env, job);
      } catch (error) {
        if (error instanceof EnqueueUnconfirmed) {
          results[index] = unconfirmedItem(jobs[index], index, error.jobId, error.confirmation);
          continue;
        }
        const apiError = toApiError(error);
        results[index] = {
          outcome: 'error',
          error: {
            ...apiError,
            message: `jobs[${index}]: ${apiError.message}`,
            details: { ...apiError.details, index },
          },
        };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, jobs.length) }, worker));
  return { results };
}

export type SweepCounts = Record<RecoveryOutcome, number>;

/**
 * The recovery sweep: every master is scanned for intents (a cursor per node), and each whose
 * lease ran out is finished or rolled back. Live ones are left to their callers.
 */
export async function sweepIntents(env: ClusterEnqueueEnv): Promise<SweepCounts> {
  const counts: SweepCounts = {
    gone: 0,
    live: 0,
    completed: 0,
    rolled_back: 0,
    lost: 0,
    unconfirmed: 0,
  };
  for (const node of env.cluster.nodes('master') as Redis[]) {
    let cursor = '0';
    do {
      const [nextCursor, found] = await node.scan(
        cursor,
        'MATCH',
        `${INTENT_PREFIX}*`,
        'COUNT',
        1000,
      );
      cursor = nextCursor;
      for (const key of found) {
        // Unconfirmed: the intent is kept, released, for the next sweep or a retry.
        const { outcome } = await recoverIntent(env, key).catch((error: unknown) => ({
          outcome:
            error instanceof EnqueueUnconfirmed ? ('unconfirmed' as const) : ('live' as const),
        }));
        counts[outcome] += 1;
      }
    } while (cursor !== '0');
  }
  return counts;
}

/** How often a host sweeps for crashed cluster enqueues: recovery within a lease and a period. */
export const SWEEP_EVERY_MS = 10_000;

/**
 * Runs the recovery sweep every `everyMs` (never two at once) until the returned stop is called.
 * The hosts start it beside the background indexer when the address is a cluster.
 */
export function startIntentSweep(env: ClusterEnqueueEnv, everyMs = SWEEP_EVERY_MS): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    // A failed sweep (a node away) is simply tried again next period.
    void sweepIntents(env)
      .catch(() => undefined)
      .finally(() => (running = false));
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
