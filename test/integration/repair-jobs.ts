import type { Redis } from 'ioredis';
import type { QueueCore } from '../../electron/core/core';
import { keys } from '../../electron/core/keys';

/** Jobs planted with raw HSET, as another producer writes them, for the repair tests. */
export type Hash = Record<string, string>;

/** A job hash in the shape every producer writes. */
export function jobHash(jobId: string, workspaceId: string, extra: Hash = {}): Hash {
  return {
    job_id: jobId,
    status: 'pending',
    action_provider: 'google',
    action_name: 'gmail.send',
    params: '{"to":"a@example.com"}',
    workspace_id: workspaceId,
    actor_id: 'user-1',
    result: '',
    enqueued_at: new Date().toISOString(),
    ...extra,
  };
}

/** n extra fields `{prefix}{i}`, each value `bytes` long. */
export function manyFields(n: number, prefix: string, bytes = 24): Hash {
  const out: Hash = {};
  for (let i = 0; i < n; i++) out[`${prefix}${i}`] = `${i}:`.padEnd(bytes, 'v');
  return out;
}

/** params of a little over 1 MiB. */
export const MIB_PARAMS = JSON.stringify({ blob: 'p'.repeat(1024 * 1024) });

/** Writes a hash with raw HSETs of 1,000 pairs. */
export async function plantHash(redis: Redis, key: string, hash: Hash): Promise<void> {
  const entries = Object.entries(hash);
  const pipeline = redis.pipeline();
  for (let i = 0; i < entries.length; i += 1000)
    pipeline.hset(key, Object.fromEntries(entries.slice(i, i + 1000)));
  await pipeline.exec();
}

export interface Planted {
  jobId: string;
  /** Where the old copy is, and its workspace's new key, and what each held when planted ({} = absent). */
  oldKey: string;
  newKey: string;
  old: Hash;
  copy: Hash;
}

/** Plants a job's old copy and (unless empty) its new copy under `workspaceId`. */
export async function plantJob(
  redis: Redis,
  jobId: string,
  workspaceId: string,
  old: Hash,
  copy: Hash,
): Promise<Planted> {
  const planted = {
    jobId,
    oldKey: keys.oldJob(jobId),
    newKey: keys.newJob(workspaceId, jobId),
    old,
    copy,
  };
  if (Object.keys(old).length) await plantHash(redis, planted.oldKey, old);
  if (Object.keys(copy).length) await plantHash(redis, planted.newKey, copy);
  return planted;
}

/** Both copies of a planted job as they are now. */
export async function copiesNow(redis: Redis, job: Planted): Promise<{ old: Hash; copy: Hash }> {
  const [old, copy] = await Promise.all([redis.hgetall(job.oldKey), redis.hgetall(job.newKey)]);
  return { old, copy };
}

/**
 * Where a planted job stands: 'before' (both copies as planted), 'after' (the new copy equals the
 * old), or what is wrong. A repair never leaves anything else, whatever fails midway.
 */
export async function stateOf(redis: Redis, job: Planted): Promise<'before' | 'after' | string> {
  const { old, copy } = await copiesNow(redis, job);
  const same = (a: Hash, b: Hash) =>
    Object.keys(a).length === Object.keys(b).length && Object.keys(a).every((f) => a[f] === b[f]);
  if (!same(old, job.old)) return `old copy of ${job.jobId} changed`;
  if (same(copy, job.copy)) return 'before';
  if (same(copy, old)) return 'after';
  return `new copy of ${job.jobId} is neither as planted nor equal to the old (${Object.keys(copy).length} fields)`;
}

/** Staging keys of these jobs still in Redis. */
export async function stagingLeft(redis: Redis, jobs: Planted[]): Promise<string[]> {
  const left: string[] = [];
  for (const job of jobs) {
    const key = keys.repairStaging(job.jobId);
    if (await redis.exists(key)) left.push(key);
  }
  return left;
}

/** A check, then a repair from its report, as the console runs them. */
export async function checkAndRepair(core: QueueCore) {
  const report = await core.invoke('divergenceCheck', {});
  const result = await core.invoke('repair', {
    report_id: report.id,
    dry_run: false,
    actor_id: 'ops',
  });
  return { report, result };
}
