import type { Redis } from 'ioredis';
import { NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../keys';
import { runScript, runScriptBuffer, scripts, type ScriptDef } from '../scripts';
import { fingerprintOfPairs, type FieldPair } from './fingerprint';
import { compareLargeJob, completeFingerprints } from './large-job';

/** What a compare script said about one job that was not in sync. */
export interface Finding {
  job_id: string;
  code:
    | 'gone'
    | 'missing_in_new'
    | 'mismatch'
    | 'wrong_type'
    | 'missing_in_old'
    | 'workspace_mismatch'
    | 'large';
  workspace_id: string;
  detail: string;
  old_fp: string;
  new_fp: string;
  enqueued_at: string;
}

export interface BatchResult {
  /** Jobs found in sync (old -> new) or new copies checked (new -> old). */
  count: number;
  findings: Finding[];
  /**
   * Old -> new only: the new keys found under their old hash's workspace, which the new -> old
   * pass has nothing to report of (divergence-run.ts).
   */
  found?: string[];
}

/**
 * Jobs per compare call: about what a call compares within its budget on a loaded host, so few
 * calls run out of time and send their rest again.
 */
export const COMPARE_BATCH = 64;
/**
 * Time one compare call may run inside Redis. Production's SLOWLOG threshold is often 10 ms and
 * ours is 5 ms: stopping at 1 ms leaves room for one slow job and a descheduled Redis process.
 */
export const COMPARE_BUDGET_US = 1000;
/**
 * The largest job a compare call reads and compares itself; bigger ones are compared in bounded
 * steps by the caller (large-job.ts), so one heavy job cannot hold Redis past the budget.
 */
export const INLINE_LIMITS = { fields: 1000, bytes: 64 * 1024, jsonBytes: 1024 };

type ReplyValue = string | number | Buffer | ReplyValue[];

const text = (value: ReplyValue | undefined) =>
  Buffer.isBuffer(value) ? value.toString() : String(value ?? '');

/** A fingerprint slot: a sha1 as text, '' or '?', or the copy's field/value pairs to hash here. */
function fingerprintOf(value: ReplyValue | undefined): string {
  if (!Array.isArray(value)) return text(value);
  const pairs: FieldPair[] = [];
  const bytes = (v: ReplyValue | undefined) => (Buffer.isBuffer(v) ? v : Buffer.from(text(v)));
  for (let i = 0; i + 1 < value.length; i += 2) pairs.push([bytes(value[i]), bytes(value[i + 1])]);
  return fingerprintOfPairs(pairs);
}

/**
 * A compare script's reply: counts, then (old -> new only) the new keys it found in place, then 7
 * values per finding.
 */
function parse(reply: unknown, withFound: boolean): BatchResult & { processed: number } {
  const flat = reply as ReplyValue[];
  const first = withFound ? 3 : 2;
  const findings: Finding[] = [];
  for (let i = first; i + 6 < flat.length; i += 7) {
    findings.push({
      job_id: text(flat[i]),
      code: text(flat[i + 1]) as Finding['code'],
      workspace_id: text(flat[i + 2]),
      detail: text(flat[i + 3]),
      old_fp: fingerprintOf(flat[i + 4]),
      new_fp: fingerprintOf(flat[i + 5]),
      enqueued_at: text(flat[i + 6]),
    });
  }
  const found = withFound ? (flat[2] as ReplyValue[]).map(text) : undefined;
  return { count: Number(flat[0]), processed: Number(flat[1]), findings, found };
}

/** Runs a time-boxed compare script over every key, sending what a call left over again. */
async function compareAll(
  redis: Redis,
  def: ScriptDef,
  keyList: string[],
  argv: Array<string | number>,
  /** Old -> new: the reply lists the new keys found in place and holds job data as bytes. */
  withFound: boolean,
): Promise<BatchResult> {
  const run = withFound ? runScriptBuffer : runScript;
  const total: BatchResult = { count: 0, findings: [], found: withFound ? [] : undefined };
  for (let rest = keyList; rest.length > 0;) {
    const result = parse(await run(redis, def, rest, argv), withFound);
    total.count += result.count;
    total.findings.push(...result.findings);
    if (result.found) total.found!.push(...result.found);
    // A script always finishes its first key, so this ends.
    rest = rest.slice(Math.max(1, result.processed));
  }
  return settleHeavyJobs(redis, total);
}

/** Compares the jobs a script left as too big, and fingerprints the copies it could not hash. */
async function settleHeavyJobs(redis: Redis, result: BatchResult): Promise<BatchResult> {
  if (!result.findings.some((f) => f.code === 'large' || f.old_fp === '?' || f.new_fp === '?'))
    return result;
  const findings: Finding[] = [];
  let count = result.count;
  for (const found of result.findings) {
    if (found.code !== 'large') findings.push(await completeFingerprints(redis, found));
    else {
      const settled = await compareLargeJob(redis, found);
      if (settled) findings.push(settled);
      else count++;
    }
  }
  return { ...result, count, findings };
}

/** The arguments both compare scripts take after their two key prefixes. */
function limitsArgv(scope: string): Array<string | number> {
  return [
    COMPARE_BUDGET_US,
    scope,
    INLINE_LIMITS.fields,
    INLINE_LIMITS.bytes,
    INLINE_LIMITS.jsonBytes,
  ];
}

/**
 * Compares a batch of old keys (ai:jobs:*) with their new copies inside Redis; with a scope, only
 * jobs whose old hash names that workspace.
 */
export function compareOldToNew(redis: Redis, oldKeys: string[], scope = ''): Promise<BatchResult> {
  return compareAll(
    redis,
    scripts.compareOldToNew,
    oldKeys,
    [NEW_JOB_PREFIX, OLD_JOB_PREFIX, ...limitsArgv(scope)],
    true,
  );
}

/**
 * Checks a batch of new keys (ai:job:*) for a missing old copy or another workspace; with a scope,
 * only copies filed under it or whose old hash names it.
 */
export function compareNewToOld(redis: Redis, newKeys: string[], scope = ''): Promise<BatchResult> {
  return compareAll(
    redis,
    scripts.compareNewToOld,
    newKeys,
    [OLD_JOB_PREFIX, NEW_JOB_PREFIX, ...limitsArgv(scope).slice(0, 4)],
    false,
  );
}
