import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { differingFields } from '../job-codec';
import { keys } from '../keys';
import type { Finding } from './compare-batch';

/** Fields read per HSCAN step of a job too big for one bounded script call. */
const FIELDS_PER_STEP = 100;

/**
 * Reads a hash in bounded HSCAN steps (null when absent), so no single command copies more than a
 * step's fields, whatever the job weighs. Not a snapshot: a job written meanwhile can read torn,
 * which the check's re-check rounds settle like any other write in flight.
 */
export async function readHashInSteps(
  redis: Redis,
  key: string,
): Promise<Record<string, string> | null> {
  const hash: Record<string, string> = {};
  let cursor = '0';
  let any = false;
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', FIELDS_PER_STEP);
    for (let i = 0; i + 1 < flat.length; i += 2) hash[flat[i]!] = flat[i + 1]!;
    any ||= flat.length > 0;
    cursor = next;
  } while (cursor !== '0');
  return any ? hash : null;
}

/**
 * The compare-and-set token of a hash, computed as the Lua include `fingerprint` does: sha1 of its
 * sorted, length-prefixed field/value pairs (lengths in bytes), '' when absent.
 */
export function fingerprintOf(hash: Record<string, string> | null): string {
  if (!hash) return '';
  const len = (s: string) => Buffer.byteLength(s, 'utf8');
  const entries = Object.entries(hash).map(([f, v]) =>
    Buffer.from(`${len(f)}:${f}${len(v)}:${v}`, 'utf8'),
  );
  entries.sort(Buffer.compare);
  const sha = createHash('sha1');
  entries.forEach((entry, i) => {
    if (i > 0) sha.update('\n');
    sha.update(entry);
  });
  return sha.digest('hex');
}

/**
 * Compares one job that a compare script left to the caller ('large'), in bounded steps and with
 * the same equality rule; null when both copies are equal.
 */
export async function compareLargeJob(redis: Redis, found: Finding): Promise<Finding | null> {
  const newKey = found.detail;
  const [old, copy] = await Promise.all([
    readHashInSteps(redis, keys.oldJob(found.job_id)),
    readHashInSteps(redis, newKey),
  ]);
  const base = {
    job_id: found.job_id,
    workspace_id: found.workspace_id,
    old_fp: fingerprintOf(old),
    new_fp: fingerprintOf(copy),
    enqueued_at: old?.enqueued_at ?? '',
  };
  if (!old) return { ...base, code: 'gone', detail: '' };
  if (!copy) return { ...base, code: 'missing_in_new', detail: '' };
  const fields = differingFields(old, copy);
  return fields.length ? { ...base, code: 'mismatch', detail: fields.join(',') } : null;
}

/** Fills in the fingerprints a compare script marked '?' (a copy too big to hash in one call). */
export async function completeFingerprints(redis: Redis, found: Finding): Promise<Finding> {
  if (found.old_fp !== '?' && found.new_fp !== '?') return found;
  const [old, copy] = await Promise.all([
    found.old_fp === '?' ? readHashInSteps(redis, keys.oldJob(found.job_id)) : null,
    found.new_fp === '?'
      ? readHashInSteps(redis, keys.newJob(found.workspace_id, found.job_id))
      : null,
  ]);
  return {
    ...found,
    old_fp: found.old_fp === '?' ? fingerprintOf(old) : found.old_fp,
    new_fp: found.new_fp === '?' ? fingerprintOf(copy) : found.new_fp,
  };
}
