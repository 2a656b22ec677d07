import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import type { EnqueueOutcome, FlagValue } from '../../../shared/contract';
import { ConflictError, InternalError } from '../errors';
import { keys, minuteOf } from '../keys';
import type { PreparedJob } from '../jobs/prepare-job';
import type { DurabilityPolicy } from '../redis/durability';
import { isConfirmed } from '../redis/durability';
import { runScript, scripts, type ScriptDef } from '../scripts';
import {
  confirmOnOwners,
  EnqueueUnconfirmed,
  exists,
  scoreOf,
  type ReadBack,
} from './confirm-on-owners';
import { clusterEnqueueKeys } from './slot-tags';

/**
 * The enqueue of one job on a Redis Cluster, as a sequence of single-slot steps with a
 * write-ahead intent, a commit and recovery (docs/topologies.md "Cluster enqueue"). Each step is
 * one script call whose keys share a slot, and each can be replayed: recovery finishes a crashed
 * call by running its remaining steps again from what the intent holds.
 */

/** The steps after which a call can stop (a crash); the test hook names one of them. */
export const ENQUEUE_STEPS = ['intent', 'old', 'new', 'push', 'register', 'commit'] as const;
export type EnqueueStep = (typeof ENQUEUE_STEPS)[number];

export interface ClusterEnqueueEnv {
  cluster: Cluster;
  defaultFlag: FlagValue;
  idempotencyTtlSec: number;
  metricsRetentionSec: number;
  /** How long an intent belongs to its caller before others may take it over (the recovery bound). */
  leaseMs: number;
  /** How the writes are confirmed before the commit; replicas 'auto', 1000 ms when not given. */
  durability?: DurabilityPolicy;
  /** Test hook: stop the call right after this step, as a crash of the process would. */
  crashAfter?: EnqueueStep;
}

/** Thrown by the test hook: the call stopped where a crash would have stopped it. */
export class SimulatedCrash extends Error {
  constructor(readonly step: EnqueueStep) {
    super(`stopped after step "${step}"`);
  }
}

/** An intent never outlives this (a safety net); the sweep and retries recover far sooner. */
export const INTENT_TTL_MS = 86_400_000;
/** A push is remembered longer than any intent lives, so no replay can push twice. */
const PUSH_MEMORY_MS = INTENT_TTL_MS + 3_600_000;

/** What an intent holds: the whole call, so anyone can finish it. */
export interface Intent {
  key: string;
  /** The idempotency key of a call with a request id, else "". */
  idem: string;
  owner: string;
  epoch: string;
  jobId: string;
  workspaceId: string;
  provider: string;
  action: string;
  params: string;
  actorId: string;
  enqueuedAt: string;
  score: string;
  flag: FlagValue;
}

type Reply = string | number | null | Reply[];

function run(
  env: ClusterEnqueueEnv,
  def: ScriptDef,
  keyList: string[],
  argv: Array<string | number>,
) {
  return runScript(env.cluster as unknown as Redis, def, keyList, argv) as Promise<Reply>;
}

function crashPoint(env: ClusterEnqueueEnv, step: EnqueueStep): void {
  if (env.crashAfter === step) throw new SimulatedCrash(step);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The fields the copy scripts write and compare, in their ARGV order. */
function copyArgs(i: Intent): string[] {
  return [i.jobId, i.workspaceId, i.provider, i.action, i.params, i.actorId, i.enqueuedAt];
}

export function conflictError(jobId: string, key: string): ConflictError {
  return new ConflictError(
    `Job ${jobId} already exists (${key}). Pick another job_id, or omit it to have one generated.`,
    { job_id: jobId, key },
  );
}

export function wrongTypeError(key: string): InternalError {
  return new InternalError(
    `Redis key ${key} holds another type than Queuescope expects (WRONGTYPE); nothing was written. Inspect or remove that key, then retry.`,
    { key, redis_error: 'WRONGTYPE' },
  );
}

/** A step that found a conflict or a wrong type: the call is rolled back, then this is thrown. */
class StepRefused extends Error {
  constructor(readonly error: ConflictError | InternalError) {
    super(error.message);
  }
}

function refusal(jobId: string, reply: Reply): StepRefused | null {
  if (!Array.isArray(reply)) return null;
  const key = String(reply[1]);
  return new StepRefused(reply[0] === 'c' ? conflictError(jobId, key) : wrongTypeError(key));
}

const DEFAULT_DURABILITY: DurabilityPolicy = { replicas: 'auto', timeoutMs: 1000 };

/**
 * The call's writes read back on their masters and confirmed by their replicas
 * (docs/topologies.md "Acknowledged means durable"). Unconfirmed: the intent is kept with its lease
 * ended, so a retry or the sweep takes it over at once and rolls the call forward again.
 */
async function confirmOrRelease(env: ClusterEnqueueEnv, i: Intent, reads: ReadBack[]) {
  const confirmation = await confirmOnOwners(
    env.cluster,
    reads,
    env.durability ?? DEFAULT_DURABILITY,
  );
  if (isConfirmed(confirmation)) return;
  await run(env, scripts.clusterEnqueueRelease, [i.key], [i.owner, i.epoch]).catch(() => 0);
  throw new EnqueueUnconfirmed(i.jobId, confirmation!);
}

/** What the commit vouches for: the copies and the push (the pushed set is written with it). */
function jobReads(i: Intent): ReadBack[] {
  return [
    exists(keys.oldJob(i.jobId)),
    ...(i.flag === 'on' ? [exists(keys.newJob(i.workspaceId, i.jobId))] : []),
    scoreOf(clusterEnqueueKeys.pushed(keys.queue), i.jobId),
  ];
}

/**
 * Steps 2 to 6 of a call that holds its intent (as its first owner or after a takeover): the old
 * copy, the new copy iff the flag the intent carries is on, the deduplicated push, the
 * registrations, the confirmation, the commit. Rolls the call back when a copy turns out to be
 * another job's; throws EnqueueUnconfirmed, the intent kept, when the replicas do not confirm.
 * Answers whether this owner committed (false: someone else took the intent over meanwhile).
 */
export async function rollForward(env: ClusterEnqueueEnv, intent: Intent): Promise<boolean> {
  const oldKey = keys.oldJob(intent.jobId);
  const newKey = keys.newJob(intent.workspaceId, intent.jobId);
  try {
    const old = await run(env, scripts.clusterEnqueueCopy, [oldKey], copyArgs(intent));
    const refusedOld = refusal(intent.jobId, old);
    if (refusedOld) throw refusedOld;
    crashPoint(env, 'old');
    if (intent.flag === 'on') {
      const copy = await run(env, scripts.clusterEnqueueCopy, [newKey], copyArgs(intent));
      const refusedNew = refusal(intent.jobId, copy);
      if (refusedNew) throw refusedNew;
    }
    crashPoint(env, 'new');
    const pushed = await run(
      env,
      scripts.clusterEnqueuePush,
      [keys.queue, clusterEnqueueKeys.pushed(keys.queue)],
      [intent.jobId, PUSH_MEMORY_MS],
    );
    const refusedPush = refusal(intent.jobId, pushed);
    if (refusedPush) throw refusedPush;
    crashPoint(env, 'push');
    await register(env, intent, pushed === 1);
    crashPoint(env, 'register');
  } catch (error) {
    if (!(error instanceof StepRefused)) throw error;
    await rollBack(env, intent);
    throw error.error;
  }
  // The intent is dropped only once every write is on a replica of the master holding it.
  await confirmOrRelease(env, intent, jobReads(intent));
  const committed = await run(
    env,
    scripts.clusterEnqueueCommit,
    [intent.key],
    [intent.owner, intent.epoch],
  );
  crashPoint(env, 'commit');
  return committed === 1;
}

/**
 * The registrations: the workspace index, the workspace set, the dual-write counts. Idempotent
 * except the counts, which are added only by the call whose push went out now, so a replay never
 * counts a job twice. Best effort: a wrong-typed index is left to the background indexer, as it
 * files any producer's job, and never holds back the commit of a job already queued.
 */
async function register(env: ClusterEnqueueEnv, i: Intent, pushedNow: boolean): Promise<void> {
  const c = env.cluster;
  const writes: Array<Promise<unknown>> = [
    c.zadd(keys.workspaceIndex(i.workspaceId), i.score, i.jobId),
    c.sadd(keys.workspaces, i.workspaceId),
  ];
  if (pushedNow && i.flag === 'on') {
    const bucket = keys.metricsBucket(minuteOf(Number(i.score)));
    const field = `${i.workspaceId}|succeeded`;
    writes.push(
      c.hincrby(bucket, field, 1).then(() => c.expire(bucket, env.metricsRetentionSec)),
      c.hincrby(keys.metricsTotal, field, 1),
    );
  }
  await Promise.allSettled(writes);
}

/** Undoes a refused call: its copies while still its own and pending, then idempotency and intent. */
async function rollBack(env: ClusterEnqueueEnv, i: Intent): Promise<void> {
  const args = copyArgs(i);
  await run(env, scripts.clusterEnqueueUncopy, [keys.newJob(i.workspaceId, i.jobId)], args);
  await run(env, scripts.clusterEnqueueUncopy, [keys.oldJob(i.jobId)], args);
  await run(env, scripts.clusterEnqueueRollback, i.idem ? [i.key, i.idem] : [i.key], [
    i.owner,
    i.epoch,
    i.jobId,
  ]);
}

/** An intent from its hash fields, flat as HGETALL answers them. */
export function intentFromFields(key: string, flat: Reply[]): Intent {
  const f: Record<string, string> = {};
  for (let n = 0; n + 1 < flat.length; n += 2) f[String(flat[n])] = String(flat[n + 1]);
  return {
    key,
    idem: f.idem ?? '',
    owner: f.owner ?? '',
    epoch: f.epoch ?? '',
    jobId: f.job_id ?? '',
    workspaceId: f.workspace_id ?? '',
    provider: f.action_provider ?? '',
    action: f.action_name ?? '',
    params: f.params ?? '{}',
    actorId: f.actor_id ?? '',
    enqueuedAt: f.enqueued_at ?? '',
    score: f.score ?? '0',
    flag: f.flag === 'on' ? 'on' : 'off',
  };
}

export type RecoveryOutcome =
  'gone' | 'live' | 'completed' | 'rolled_back' | 'lost' | 'unconfirmed';

/**
 * Recovery of one intent: taken over if its lease ran out, then finished (or rolled back when a
 * copy is another job's). A live intent is left to its owner.
 */
export async function recoverIntent(
  env: ClusterEnqueueEnv,
  intentKey: string,
): Promise<{ outcome: RecoveryOutcome; msLeft?: number }> {
  const reply = (await run(
    env,
    scripts.clusterEnqueueTakeover,
    [intentKey],
    [randomUUID(), env.leaseMs],
  )) as Reply[];
  if (reply[0] === 'gone') return { outcome: 'gone' };
  if (reply[0] === 'live') return { outcome: 'live', msLeft: Number(reply[1]) };
  if (reply[0] === 'x') throw wrongTypeError(String(reply[1]));
  const intent = intentFromFields(intentKey, reply.slice(1));
  try {
    return { outcome: (await rollForward(env, intent)) ? 'completed' : 'lost' };
  } catch (error) {
    if (error instanceof ConflictError) return { outcome: 'rolled_back' };
    throw error;
  }
}

/** Waits out another call's intent (recovering it when its lease ends) until it is gone. */
async function settle(env: ClusterEnqueueEnv, intentKey: string): Promise<void> {
  for (;;) {
    const { outcome, msLeft } = await recoverIntent(env, intentKey);
    if (outcome !== 'live') return;
    await sleep(Math.max(5, Math.min(msLeft ?? 25, 25)));
  }
}

/**
 * One job's enqueue on a cluster. The flag is read once, from its own slot, and carried in the
 * intent; a job id that exists is refused before anything is written.
 */
export async function enqueueOnCluster(
  env: ClusterEnqueueEnv,
  job: PreparedJob,
): Promise<EnqueueOutcome> {
  const c = env.cluster;
  const [oldKey, newKey, , idemKey] = job.keys;
  const [jobId, ws, provider, action, params, actorId] = job.argv;
  const [flagRaw, held, oldThere, newThere] = await Promise.all([
    c.get(keys.flag).catch((error: unknown) => {
      throw String((error as Error)?.message).startsWith('WRONGTYPE')
        ? wrongTypeError(keys.flag)
        : error;
    }),
    idemKey ? c.type(idemKey) : Promise.resolve('none'),
    c.exists(oldKey),
    c.exists(newKey),
  ]);
  // A request id already held answers through the reservation (duplicate, or wait); otherwise
  // an existing job id is a conflict with nothing written.
  if (held === 'none' && (oldThere || newThere))
    throw conflictError(jobId, oldThere ? oldKey : newKey);
  const now = Date.now();
  const intent: Intent = {
    key: idemKey
      ? clusterEnqueueKeys.requestIntent(idemKey)
      : clusterEnqueueKeys.jobIntent(oldKey, jobId),
    idem: idemKey,
    owner: randomUUID(),
    epoch: '1',
    jobId,
    workspaceId: ws,
    provider,
    action,
    params,
    actorId,
    enqueuedAt: new Date(now).toISOString(),
    score: String(now),
    // As the standalone script: an absent flag takes the default, any value but "on" is off.
    flag: flagRaw === null ? env.defaultFlag : flagRaw === 'on' ? 'on' : 'off',
  };
  const argv = [
    jobId,
    intent.owner,
    env.leaseMs,
    env.idempotencyTtlSec,
    INTENT_TTL_MS,
    ws,
    provider,
    action,
    params,
    actorId,
    intent.enqueuedAt,
    intent.score,
    intent.flag,
    idemKey,
  ];
  for (;;) {
    const reply = (await (idemKey
      ? run(env, scripts.clusterEnqueueReserve, [idemKey, intent.key], argv)
      : run(env, scripts.clusterEnqueueClaim, [intent.key, oldKey], argv))) as Reply[];
    const kind = reply[0];
    if (kind === 'x') throw wrongTypeError(String(reply[1]));
    if (kind === 'c') throw conflictError(jobId, String(reply[1]));
    if (kind === 'd') return { outcome: 'duplicate', job_id: String(reply[1]) };
    if (kind === 'p') {
      // Another call holds this request id (or job id): wait for it, or finish it once its lease
      // ends; then the reservation answers duplicate. A job id in flight is a conflict.
      await settle(env, intent.key);
      if (!idemKey) throw conflictError(jobId, oldKey);
      continue;
    }
    break;
  }
  // The reservation is on a replica before any copy is written: a reservation lost in a failover
  // leaves nothing behind, so the retry that reserves afresh cannot make a second job.
  await confirmOrRelease(
    env,
    intent,
    idemKey ? [exists(intent.key)] : [exists(intent.key), exists(oldKey)],
  );
  crashPoint(env, 'intent');
  // A stalled call whose intent was taken over finds it committed by the taker: still enqueued.
  await rollForward(env, intent);
  return { outcome: 'enqueued', job_id: jobId };
}
