/**
 * `bench:cluster`'s divergence figures: the same keyspace on each target (jobs in both schemas
 * across 100 workspaces, written straight into Redis as another producer would, a few planted
 * mismatches), then one divergence check through the core. A cluster whose core refuses the check
 * (docs/topologies.md "Redis Cluster") gives no figure, and says so.
 */
import { keys } from '../../electron/core/keys';
import type { DivergenceReport } from '../../shared/contract/divergence';
import { runInFlight } from './bench-kit';
import { flagOn, timed, type Target } from './cluster-kit';

const WORKSPACES = 100;
const FLAG_ON_MS = Date.parse('2026-02-01T00:00:00.000Z');
const LATE = '2026-03-01T00:00:00.000Z';

export type DivergenceFigures =
  | { served: true; pairs: number; pairs_per_s: number; redis_us_per_pair: number; exact: boolean }
  | { served: false; reason: string };

function fields(i: number, ws: string): Record<string, string> {
  return {
    job_id: `bench-${i}`,
    status: 'completed',
    action_provider: 'google',
    action_name: 'gmail.send',
    params: `{"to":"user${i}@example.com","subject":"Weekly report","n":${i}}`,
    workspace_id: ws,
    actor_id: `user-${i % 997}`,
    result: `{"message_id":"m-${i}","ok":true}`,
    enqueued_at: LATE,
    started_at: LATE,
    finished_at: LATE,
  };
}

/** Writes `pairs` dual-written jobs and plants `mismatches` of them; returns the planted count. */
async function load(target: Target, pairs: number, mismatches: number): Promise<number> {
  await target.reset();
  await flagOn(target);
  await target.data.zadd(keys.flagHistory, FLAG_ON_MS, `on:${FLAG_ON_MS}`);
  await runInFlight(pairs, 64, async (i) => {
    const ws = `ws-${i % WORKSPACES}`;
    const job = fields(i, ws);
    await target.data.hset(keys.oldJob(job.job_id!), job);
    await target.data.hset(keys.newJob(ws, job.job_id!), job);
  });
  const step = Math.floor(pairs / mismatches);
  for (let k = 0; k < mismatches; k++) {
    const i = k * step + 1;
    await target.data.hset(keys.newJob(`ws-${i % WORKSPACES}`, `bench-${i}`), 'status', 'running');
  }
  return mismatches;
}

const refusal = (error: unknown): string | null => {
  const details = (error as { details?: { reason?: string } }).details;
  return details?.reason === 'cluster_unsupported' ? 'not served' : null;
};

export async function divergenceOn(target: Target, pairs: number): Promise<DivergenceFigures> {
  const planted = await load(target, pairs, Math.max(10, Math.floor(pairs / 1000)));
  let report: DivergenceReport | undefined;
  try {
    const run = await timed(target, pairs, async () => {
      report = await target.core.invoke('divergenceCheck', {});
    });
    const counts = report!.counts;
    const others = Object.entries(counts).filter(([c, n]) => c !== 'mismatch' && n > 0);
    const exact = counts.mismatch === planted && others.length === 0;
    if (!exact) console.log(`${target.name} check: planted ${planted}, ${JSON.stringify(counts)}`);
    return {
      served: true,
      pairs,
      pairs_per_s: run.perSec,
      redis_us_per_pair: run.redisUsPer,
      exact,
    };
  } catch (error) {
    const reason = refusal(error);
    if (!reason) throw error;
    return { served: false, reason };
  }
}
