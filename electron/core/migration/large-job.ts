import type { Redis } from 'ioredis';
import { differingFields } from '../equality';
import { keys } from '../keys';
import type { Finding } from './compare-batch';
import { fingerprintOfPairs } from './fingerprint';
import { asText, readPairsInSteps, type HashPairs } from './hash-steps';

/** Fingerprint of a hash read in steps ('' when absent), as the repair compares it. */
function fingerprintOf(pairs: HashPairs): string {
  return fingerprintOfPairs(pairs.values());
}

/**
 * Compares one job that a compare script left to the caller ('large'), in bounded steps and with
 * the same equality rule; null when both copies are equal (docs/guarantees.md, "Bounded calls").
 */
export async function compareLargeJob(redis: Redis, found: Finding): Promise<Finding | null> {
  const newKey = found.detail;
  const [old, copy] = await Promise.all([
    readPairsInSteps(redis, keys.oldJob(found.job_id)),
    readPairsInSteps(redis, newKey),
  ]);
  const oldText = asText(old);
  const base = {
    job_id: found.job_id,
    workspace_id: found.workspace_id,
    old_fp: fingerprintOf(old),
    new_fp: fingerprintOf(copy),
    enqueued_at: oldText.enqueued_at ?? '',
  };
  if (old.size === 0) return { ...base, code: 'gone', detail: '' };
  if (copy.size === 0) return { ...base, code: 'missing_in_new', detail: '' };
  const fields = differingFields(oldText, asText(copy));
  return fields.length ? { ...base, code: 'mismatch', detail: fields.join(',') } : null;
}

/** Fills in the fingerprints a compare script marked '?' (a copy too big to hash in one call). */
export async function completeFingerprints(redis: Redis, found: Finding): Promise<Finding> {
  const read = async (key: string) => fingerprintOf(await readPairsInSteps(redis, key));
  const [oldFp, newFp] = await Promise.all([
    found.old_fp === '?' ? read(keys.oldJob(found.job_id)) : found.old_fp,
    found.new_fp === '?' ? read(keys.newJob(found.workspace_id, found.job_id)) : found.new_fp,
  ]);
  return { ...found, old_fp: oldFp, new_fp: newFp };
}
