import type { Cluster, Redis } from 'ioredis';
import { ConflictError, InternalError } from '../../errors';
import { keys } from '../../keys';
import { runScript, scripts } from '../../scripts';
import { clusterEnqueueKeys } from '../slot-tags';

/**
 * The single-slot steps the cluster writes are made of (docs/topologies.md "Cluster writes"): a
 * read of one copy, a compare-and-set write of one copy, its undo, and a push deduplicated by a
 * token in the pushed set beside the queue.
 */

/** The fields a status change, a retry or a removal may set, read before and restored by an undo. */
export const WRITE_FIELDS = [
  'status',
  'workspace_id',
  'started_at',
  'finished_at',
  'result',
  'attempts',
  'retried_at',
  'retried_by',
] as const;
export type WriteField = (typeof WRITE_FIELDS)[number];

/** One copy of a job as read: absent, a hash (its write fields), or another type. */
export interface CopyRead {
  key: string;
  type: string;
  fields: Partial<Record<WriteField, string>>;
}

export const isHash = (copy: CopyRead | null): copy is CopyRead => copy?.type === 'hash';

/** A push is remembered as long as the cluster enqueue remembers its own. */
export const PUSH_MEMORY_MS = 25 * 3_600_000;

export function wrongTypeError(key: string): InternalError {
  return new InternalError(
    `Redis key ${key} holds another type than expected (WRONGTYPE); nothing was written. Inspect or remove that key.`,
    { key, redis_error: 'WRONGTYPE' },
  );
}

/** Reads one copy in its slot: its type, and the write fields of a hash. */
export async function readCopy(cluster: Cluster, key: string): Promise<CopyRead> {
  const type = await cluster.type(key);
  if (type !== 'hash') return { key, type, fields: {} };
  const values = await cluster.hmget(key, ...WRITE_FIELDS);
  const fields: CopyRead['fields'] = {};
  WRITE_FIELDS.forEach((name, i) => {
    const value = values[i];
    if (value !== null && value !== undefined) fields[name] = value;
  });
  return { key, type, fields };
}

/** A key read with another type than a job hash (or null). */
export function wrongTyped(...copies: Array<CopyRead | null>): string | null {
  const bad = copies.find((c) => c && c.type !== 'none' && c.type !== 'hash');
  return bad ? bad.key : null;
}

export interface CopyChange {
  set: Partial<Record<WriteField, string>>;
  del?: WriteField[];
}

export type CasReply =
  | { ok: true }
  | { ok: false; why: 'gone' }
  | { ok: false; why: 'changed'; status: string }
  | { ok: false; why: 'workspace'; workspace: string };

/**
 * Writes `change` to the copy only while its status is still `expected` (copy-cas.lua); with a
 * workspace, only while the copy is that workspace's.
 */
export async function casCopy(
  cluster: Cluster,
  key: string,
  expected: string,
  workspace: string,
  change: CopyChange,
): Promise<CasReply> {
  const del = change.del ?? [];
  const pairs = Object.entries(change.set).flat();
  const reply = (await runScript(
    cluster as unknown as Redis,
    scripts.clusterCopyCas,
    [key],
    [expected, workspace, del.length, ...del, ...pairs],
  )) as number | string[];
  if (reply === 1) return { ok: true };
  const [kind, value] = reply as string[];
  if (kind === 'x') throw wrongTypeError(String(value));
  if (kind === 'gone') return { ok: false, why: 'gone' };
  if (kind === 'w') return { ok: false, why: 'workspace', workspace: String(value) };
  return { ok: false, why: 'changed', status: String(value ?? '') };
}

/** The change that puts back what `change` overwrote in a copy read as `before`. */
export function undoOf(before: CopyRead, change: CopyChange): CopyChange {
  const touched = [...Object.keys(change.set), ...(change.del ?? [])] as WriteField[];
  const set: CopyChange['set'] = {};
  const del: WriteField[] = [];
  for (const field of new Set(touched)) {
    const value = before.fields[field];
    if (value === undefined) del.push(field);
    else set[field] = value;
  }
  return { set, del };
}

/**
 * Pushes the job id once per token (push-once.lua). `searchQueue` (a call finishing an interrupted
 * one) first looks for the id near the queue's head and only records the token when it is there.
 */
export async function pushOnce(
  cluster: Cluster,
  jobId: string,
  token: string,
  searchQueue: number,
): Promise<boolean> {
  const reply = (await runScript(
    cluster as unknown as Redis,
    scripts.clusterPushOnce,
    [keys.queue, clusterEnqueueKeys.pushed(keys.queue)],
    [jobId, token, PUSH_MEMORY_MS, searchQueue],
  )) as number | string[];
  if (Array.isArray(reply)) throw wrongTypeError(String(reply[1]));
  return reply === 1;
}

/** A copy that changed between the read and the write: nothing of this call stays written. */
export function changedMeanwhile(jobId: string, key: string, status: string): ConflictError {
  return new ConflictError(
    `Job ${jobId} was changed by another client while this call ran (${key} is now ${status || 'without a status'}); nothing was written. Read the job again and decide.`,
    { job_id: jobId, key, current_status: status, reason: 'changed_meanwhile' },
  );
}

/**
 * The second copy refused the change after the first took it, and the first could not be put back
 * because another client changed it since: the copies now differ, and the call says so.
 */
export function leftSplit(jobId: string, applied: string, refused: string): ConflictError {
  return new ConflictError(
    `Job ${jobId} was changed by another client while this call ran: ${refused} refused the change, and ${applied}, already changed, could not be put back because it was changed again since. The two copies may differ now; a divergence check reports them and repair fixes them.`,
    { job_id: jobId, outcome: 'partial', applied: [applied], refused: [refused] },
  );
}
