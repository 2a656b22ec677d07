import type { Cluster } from 'ioredis';
import { differingFields } from '../../equality';
import { OLD_JOB_PREFIX, keys, parseNewJobKey } from '../../keys';
import type { BatchResult, Finding } from '../../migration/compare-batch';
import type { HashPairs } from '../../migration/hash-steps';
import { asText, fingerprintOf, readKey, wholeHash, type KeyRead } from './read-key';

/**
 * The two compare directions of the divergence check, one job at a time, for a Redis Cluster
 * where a job's two copies sit in two slots (docs/topologies.md "Divergence check on a cluster").
 * Each answers what compare-old-to-new.lua and compare-new-to-old.lua answer for the same keys on
 * one server: the same codes, details, fingerprints and enqueued_at, the same equality rule.
 */

/** A job's finding, or how it counts: in sync, checked (new side), or skipped (scope, gone). */
type Outcome = { finding: Finding } | 'in_sync' | 'checked' | 'skipped';

function finding(
  jobId: string,
  code: Finding['code'],
  workspaceId: string,
  detail = '',
  fps: { old?: string; new?: string; at?: string } = {},
): Outcome {
  return {
    finding: {
      job_id: jobId,
      code,
      workspace_id: workspaceId,
      detail,
      old_fp: fps.old ?? '',
      new_fp: fps.new ?? '',
      enqueued_at: fps.at ?? '',
    },
  };
}

/** The fields whose values differ: bytes first, then the equality rule for those that differ. */
function differing(a: HashPairs, b: HashPairs): string[] {
  const left: Record<string, string> = {};
  const right: Record<string, string> = {};
  const textA = asText(a);
  const textB = asText(b);
  for (const [name, [field, value]] of a) {
    const other = b.get(name);
    if (other && other[1].equals(value)) continue;
    const text = field.toString('utf8');
    left[text] = textA[text]!;
    if (other) right[text] = textB[text]!;
  }
  for (const [name, [field]] of b) {
    if (a.has(name)) continue;
    const text = field.toString('utf8');
    right[text] = textB[text]!;
  }
  return differingFields(left, right);
}

const typeDetail = (key: string, read: KeyRead) =>
  `${key} is a ${read.kind === 'type' ? read.type : 'string'}`;

/** One old copy against its new copy (compare-old-to-new.lua's compareJob). */
async function compareOld(cluster: Cluster, oldKey: string, scope: string): Promise<Outcome> {
  const jobId = oldKey.slice(OLD_JOB_PREFIX.length);
  const oldRead = await readKey(cluster, oldKey, 'hash');
  if (oldRead.kind === 'none') return 'skipped';
  if (oldRead.kind !== 'hash' && oldRead.kind !== 'large')
    // Not a hash, so it names no workspace: only an unscoped check reports it.
    return scope === '' ? finding(jobId, 'wrong_type', '', typeDetail(oldKey, oldRead)) : 'skipped';
  const ws =
    oldRead.kind === 'large' ? oldRead.workspaceId : (asText(oldRead.pairs).workspace_id ?? '');
  if (scope !== '' && ws !== scope) return 'skipped';
  const newKey = keys.newJob(ws, jobId);
  const newRead = await readKey(cluster, newKey, 'hash');
  if (newRead.kind !== 'none' && newRead.kind !== 'hash' && newRead.kind !== 'large')
    return finding(jobId, 'wrong_type', ws, typeDetail(newKey, newRead));
  const old = await wholeHash(cluster, oldKey, oldRead);
  const oldAt = asText(old).enqueued_at ?? '';
  if (old.size === 0) return 'skipped';
  if (newRead.kind === 'none')
    return finding(jobId, 'missing_in_new', ws, '', { old: fingerprintOf(old), at: oldAt });
  const copy = await wholeHash(cluster, newKey, newRead);
  if (copy.size === 0)
    return finding(jobId, 'missing_in_new', ws, '', { old: fingerprintOf(old), at: oldAt });
  const fields = differing(old, copy);
  if (fields.length === 0) return 'in_sync';
  return finding(jobId, 'mismatch', ws, fields.join(','), {
    old: fingerprintOf(old),
    new: fingerprintOf(copy),
    at: oldAt,
  });
}

/** A hash's fingerprint and enqueued_at, read whole or in steps. */
async function summary(cluster: Cluster, key: string, read: KeyRead) {
  const pairs = await wholeHash(cluster, key, read);
  return { fp: fingerprintOf(pairs), at: asText(pairs).enqueued_at ?? '' };
}

/** One new copy against its old hash (compare-new-to-old.lua's checkCopy). */
async function compareNew(cluster: Cluster, newKey: string, scope: string): Promise<Outcome> {
  const parsed = parseNewJobKey(newKey);
  if (!parsed) return 'skipped';
  const { workspaceId: ws, jobId } = parsed;
  const oldKey = keys.oldJob(jobId);
  const oldPeek = await readKey(cluster, oldKey, 'peek');
  if (oldPeek.kind === 'type' || oldPeek.kind === 'string') {
    if (scope !== '' && ws !== scope) return 'skipped';
    return finding(jobId, 'wrong_type', ws, typeDetail(oldKey, oldPeek));
  }
  const oldWs = oldPeek.kind === 'peek' ? oldPeek.workspaceId : null;
  if (scope !== '' && ws !== scope && oldWs !== scope) return 'skipped';
  if (oldWs === ws || (oldWs === null && oldPeek.kind === 'peek')) return 'checked';
  const newRead = await readKey(cluster, newKey, 'hash');
  if (newRead.kind === 'none') return 'checked'; // gone since it was walked
  if (newRead.kind !== 'hash' && newRead.kind !== 'large')
    return finding(jobId, 'wrong_type', ws, typeDetail(newKey, newRead));
  const copy = await summary(cluster, newKey, newRead);
  if (oldWs === null)
    return finding(jobId, 'missing_in_old', ws, '', { new: copy.fp, at: copy.at });
  const oldRead = await readKey(cluster, oldKey, 'hash');
  const old = await summary(cluster, oldKey, oldRead);
  const own = await readKey(cluster, keys.newJob(oldWs, jobId), 'peek');
  return finding(jobId, 'workspace_mismatch', ws, `${oldWs}|${own.kind === 'none' ? 0 : 1}`, {
    old: old.fp,
    new: copy.fp,
    at: old.at,
  });
}

/**
 * Runs `compare` over each key, under the check's limit of calls in flight, gathered as a batch
 * result: the old side counts the jobs in sync, the new side every copy it checked.
 */
async function compareEach(
  keyList: string[],
  limit: Limit,
  side: 'old' | 'new',
  compare: (key: string) => Promise<Outcome>,
): Promise<BatchResult> {
  const outcomes = await Promise.all(keyList.map((key) => limit(() => compare(key))));
  const result: BatchResult = { count: 0, findings: [] };
  for (const outcome of outcomes) {
    if (outcome === 'skipped') continue;
    if (typeof outcome === 'object') result.findings.push(outcome.finding);
    if (outcome === 'in_sync' || (side === 'new' && outcome !== 'checked')) result.count++;
    if (outcome === 'checked') result.count++;
  }
  return result;
}

export type Limit = <T>(fn: () => Promise<T>) => Promise<T>;

/** Old copies (ai:jobs:*) against their new copies; with a scope, jobs whose old hash names it. */
export function compareOldKeys(
  cluster: Cluster,
  oldKeys: string[],
  scope: string,
  limit: Limit,
): Promise<BatchResult> {
  return compareEach(oldKeys, limit, 'old', (key) => compareOld(cluster, key, scope));
}

/** New copies (ai:job:*) against their old hashes: missing in old, or filed under another workspace. */
export function compareNewKeys(
  cluster: Cluster,
  newKeys: string[],
  scope: string,
  limit: Limit,
): Promise<BatchResult> {
  return compareEach(newKeys, limit, 'new', (key) => compareNew(cluster, key, scope));
}
