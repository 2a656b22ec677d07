import { Cluster, type Redis } from 'ioredis';
import { v7 as uuidv7 } from 'uuid';
import type { JobStatus } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import { ConflictError, ValidationError } from '../core/errors';
import { keys, OLD_JOB_PREFIX } from '../core/keys';
import { DEMO_WORKSPACES, demoJob, demoOutcome } from './catalog';
import { createRandom, type Random } from './random';

export interface SeedOptions {
  /** How many of the demo workspaces to fill (1–8, default 4). */
  workspaces?: number;
  /** Makes every choice repeatable. */
  seed?: number;
  /** Who the audited steps (flag changes, retries) are attributed to. */
  actor?: string;
}

export type DivergenceKind =
  'mismatch' | 'missing_in_new' | 'missing_in_old' | 'workspace_mismatch';

export interface SeedSummary {
  workspaces: string[];
  /** Written while the flag was off: old schema only. */
  old_only: string[];
  /** Written while the flag was on: both schemas. */
  dual_written: string[];
  divergent: Array<{ job_id: string; workspace_id: string; kind: DivergenceKind }>;
  failed: string[];
  /** Failed jobs requeued by the demo actor (audited). */
  retried: string[];
  /** Enqueues whose dual write failed on a corrupt key (they show in the failure-rate metrics). */
  failed_dual_writes: number;
}

/** Statuses each workspace gets, before and after the flag is turned on. */
const BEFORE_FLAG: JobStatus[] = [
  'completed',
  'completed',
  'completed',
  'completed',
  'completed',
  'failed',
  'failed',
  'running',
  'pending',
  'pending',
];
const AFTER_FLAG: JobStatus[] = [...BEFORE_FLAG, 'completed', 'completed', 'failed', 'running'];

export const DEMO_ACTOR = 'demo';

/** The demo workspace names for a count (1–8). */
export function demoWorkspaces(count = 4): string[] {
  if (!Number.isInteger(count) || count < 1 || count > DEMO_WORKSPACES.length) {
    throw new ValidationError(
      `--workspaces must be a whole number from 1 to ${DEMO_WORKSPACES.length} (got ${count}).`,
      { field: 'workspaces', flag: '--workspaces' },
    );
  }
  return DEMO_WORKSPACES.slice(0, count);
}

/**
 * Refuses to fill a Redis that holds someone else's jobs: demo jobs look real, and a real worker
 * there would try to run them.
 */
export async function assertDemoTarget(core: QueueCore): Promise<void> {
  const redis = await core.keyClient();
  const [known, demoHits] = await Promise.all([
    redis.scard(keys.workspaces),
    redis.smismember(keys.workspaces, ...DEMO_WORKSPACES),
  ]);
  const foreign = known - demoHits.filter(Boolean).length;
  const unindexedJobs = known === 0 ? await firstJobKeys(redis) : [];
  if (foreign > 0 || unindexedJobs.length > 0) {
    throw new ConflictError(
      'This Redis already holds jobs that the demo did not write. The demo adds jobs a real worker would run; point --redis at a scratch Redis, or pass --force if you are sure.',
      { foreign_workspaces: foreign, jobs_found: unindexedJobs.length },
    );
  }
}

/** A first page of old job keys: of each master on a Redis Cluster, of the server otherwise. */
async function firstJobKeys(redis: Redis): Promise<string[]> {
  const client = redis as Redis | Cluster;
  const nodes = client instanceof Cluster ? (client.nodes('master') as Redis[]) : [redis];
  const pages = await Promise.all(
    nodes.map((node) => node.scan('0', 'MATCH', `${OLD_JOB_PREFIX}*`, 'COUNT', 200)),
  );
  return pages.flatMap(([, found]) => found);
}

/**
 * Fills the Redis with demo workspaces: old-only jobs from before the flag, dual-written jobs,
 * jobs in every status, a few deliberately divergent copies and some failed dual writes.
 */
export async function seedDemo(core: QueueCore, options: SeedOptions = {}): Promise<SeedSummary> {
  const r = createRandom(options.seed);
  const actor = options.actor ?? DEMO_ACTOR;
  const workspaces = demoWorkspaces(options.workspaces);
  const summary: SeedSummary = {
    workspaces,
    old_only: [],
    dual_written: [],
    divergent: [],
    failed: [],
    retried: [],
    failed_dual_writes: 0,
  };
  if ((await core.invoke('getFlag', {})).new_schema === 'on') {
    await core.invoke('setFlag', { value: 'off', actor_id: actor }, { actor });
  }
  const before = await fill(core, r, workspaces, BEFORE_FLAG);
  await core.invoke('setFlag', { value: 'on', actor_id: actor }, { actor });
  const after = await fill(core, r, workspaces, AFTER_FLAG);
  summary.old_only = before.map((j) => j.job_id);
  summary.dual_written = after.map((j) => j.job_id);

  summary.divergent = await diverge(core, workspaces, after);
  summary.failed_dual_writes = await failDualWrites(core, r, workspaces);
  const touched = new Set(summary.divergent.map((d) => d.job_id));
  for (const ws of workspaces) {
    const job = after.find(
      (j) => j.workspace_id === ws && j.status === 'failed' && !touched.has(j.job_id),
    );
    if (!job) continue;
    await core.invoke(
      'retry',
      { job_id: job.job_id, workspace_id: ws, actor_id: actor },
      { actor },
    );
    summary.retried.push(job.job_id);
  }
  const retried = new Set(summary.retried);
  summary.failed = [...before, ...after]
    .filter((j) => j.status === 'failed' && !retried.has(j.job_id))
    .map((j) => j.job_id);
  return summary;
}

interface SeededJob {
  job_id: string;
  workspace_id: string;
  status: JobStatus;
}

async function fill(
  core: QueueCore,
  r: Random,
  workspaces: string[],
  statuses: JobStatus[],
): Promise<SeededJob[]> {
  const plans = workspaces.flatMap((ws) =>
    statuses.map((status) => {
      const { action, input } = demoJob(r, ws);
      return { ws, status, input, outcome: demoOutcome(r, action, ws, status === 'failed') };
    }),
  );
  return Promise.all(
    plans.map(async (plan) => {
      const { job_id } = await core.invoke('enqueue', plan.input);
      if (plan.status !== 'pending') {
        // What a worker does: take it off the queue, run it, record how it ended.
        await (await core.keyClient()).lrem(keys.queue, 1, job_id);
        await core.invoke('updateStatus', { job_id, workspace_id: plan.ws, status: 'running' });
        if (plan.status !== 'running') {
          await core.invoke('updateStatus', {
            job_id,
            workspace_id: plan.ws,
            status: plan.outcome.status,
            result: plan.outcome.result,
          });
        }
      }
      return { job_id, workspace_id: plan.ws, status: plan.status };
    }),
  );
}

/** Breaks a few dual-written copies the ways a buggy producer or a partial write would. */
async function diverge(core: QueueCore, workspaces: string[], jobs: SeededJob[]) {
  const used = new Set<string>();
  const take = (ws: string) => {
    const job = jobs.find(
      (j) => j.workspace_id === ws && j.status === 'completed' && !used.has(j.job_id),
    );
    if (job) used.add(job.job_id);
    return job;
  };
  const ws = (i: number) => workspaces[i % workspaces.length]!;
  const out: SeedSummary['divergent'] = [];
  // Single-key commands only, so they run on a Redis Cluster too (docs/topologies.md).
  const redis = await core.keyClient();

  const lostUpdate = take(ws(0));
  if (lostUpdate) {
    // The new copy missed the final update: still running there.
    const key = keys.newJob(lostUpdate.workspace_id, lostUpdate.job_id);
    await redis.multi().hset(key, 'status', 'running').hdel(key, 'finished_at', 'result').exec();
    out.push({
      job_id: lostUpdate.job_id,
      workspace_id: lostUpdate.workspace_id,
      kind: 'mismatch',
    });
  }
  const paramsDrift = take(ws(2));
  if (paramsDrift) {
    const key = keys.newJob(paramsDrift.workspace_id, paramsDrift.job_id);
    const params = JSON.parse((await redis.hget(key, 'params')) ?? '{}') as Record<string, unknown>;
    await redis.hset(key, 'params', JSON.stringify({ ...params, priority: 'high' }));
    out.push({
      job_id: paramsDrift.job_id,
      workspace_id: paramsDrift.workspace_id,
      kind: 'mismatch',
    });
  }
  const lostNew = take(ws(1));
  if (lostNew) {
    await redis.del(keys.newJob(lostNew.workspace_id, lostNew.job_id));
    out.push({
      job_id: lostNew.job_id,
      workspace_id: lostNew.workspace_id,
      kind: 'missing_in_new',
    });
  }
  const lostOld = take(ws(3));
  if (lostOld) {
    await redis.del(keys.oldJob(lostOld.job_id));
    out.push({
      job_id: lostOld.job_id,
      workspace_id: lostOld.workspace_id,
      kind: 'missing_in_old',
    });
  }
  const misfiled = workspaces.length > 1 ? take(ws(2)) : undefined;
  if (misfiled) {
    // Written under the wrong workspace key, as a producer that mixed up tenants would.
    const other = workspaces.find((w) => w !== misfiled.workspace_id)!;
    // A move key by key (DUMP, RESTORE, DEL): the two names may be in different hash slots.
    const from = keys.newJob(misfiled.workspace_id, misfiled.job_id);
    const copy = await redis.dumpBuffer(from);
    if (copy) await redis.restore(keys.newJob(other, misfiled.job_id), 0, copy, 'REPLACE');
    await redis.del(from);
    await redis.zadd(keys.workspaceIndex(other), Date.now(), misfiled.job_id);
    out.push({ job_id: misfiled.job_id, workspace_id: other, kind: 'workspace_mismatch' });
  }
  return out;
}

/** A corrupt (wrong-typed) new-schema key makes the core's dual write fail and count as failed. */
async function failDualWrites(core: QueueCore, r: Random, workspaces: string[]): Promise<number> {
  const redis = await core.keyClient();
  let failed = 0;
  for (let i = 0; i < 3; i++) {
    const ws = workspaces[i % workspaces.length]!;
    const jobId = uuidv7();
    const corrupt = keys.newJob(ws, jobId);
    await redis.set(corrupt, 'corrupt');
    try {
      await core.invoke('enqueue', { ...demoJob(r, ws).input, job_id: jobId });
    } catch {
      failed++;
    } finally {
      await redis.del(corrupt);
    }
  }
  return failed;
}
