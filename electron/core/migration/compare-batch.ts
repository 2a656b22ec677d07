import type { Redis } from 'ioredis';
import { NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../keys';
import { runScript, scripts, type ScriptDef } from '../scripts';

/** What a compare script said about one job that was not in sync. */
export interface Finding {
  job_id: string;
  code:
    'gone' | 'missing_in_new' | 'mismatch' | 'wrong_type' | 'missing_in_old' | 'workspace_mismatch';
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
}

/** Jobs per compare call; a call that runs out of time returns early and the rest is sent again. */
export const COMPARE_BATCH = 100;
/**
 * Time one compare call may run inside Redis. Production's SLOWLOG threshold is often 10 ms and
 * ours is 5 ms: stopping at 2 ms leaves room for one slow job and a descheduled Redis process.
 */
export const COMPARE_BUDGET_US = 2000;

function parse(reply: unknown): BatchResult & { processed: number } {
  const flat = reply as Array<string | number>;
  const findings: Finding[] = [];
  for (let i = 2; i + 6 < flat.length; i += 7) {
    findings.push({
      job_id: String(flat[i]),
      code: String(flat[i + 1]) as Finding['code'],
      workspace_id: String(flat[i + 2]),
      detail: String(flat[i + 3]),
      old_fp: String(flat[i + 4]),
      new_fp: String(flat[i + 5]),
      enqueued_at: String(flat[i + 6]),
    });
  }
  return { count: Number(flat[0]), processed: Number(flat[1]), findings };
}

/** Runs a time-boxed compare script over every key, sending what a call left over again. */
async function compareAll(
  redis: Redis,
  def: ScriptDef,
  keyList: string[],
  prefixes: [string, string],
): Promise<BatchResult> {
  const total: BatchResult = { count: 0, findings: [] };
  for (let rest = keyList; rest.length > 0;) {
    const result = parse(await runScript(redis, def, rest, [...prefixes, COMPARE_BUDGET_US]));
    total.count += result.count;
    total.findings.push(...result.findings);
    // A script always finishes its first key, so this ends.
    rest = rest.slice(Math.max(1, result.processed));
  }
  return total;
}

/** Compares a batch of old keys (ai:jobs:*) with their new copies inside Redis. */
export function compareOldToNew(redis: Redis, oldKeys: string[]): Promise<BatchResult> {
  return compareAll(redis, scripts.compareOldToNew, oldKeys, [NEW_JOB_PREFIX, OLD_JOB_PREFIX]);
}

/** Checks a batch of new keys (ai:job:*) for a missing old copy or another workspace. */
export function compareNewToOld(redis: Redis, newKeys: string[]): Promise<BatchResult> {
  return compareAll(redis, scripts.compareNewToOld, newKeys, [OLD_JOB_PREFIX, NEW_JOB_PREFIX]);
}
