import type { Cluster, Redis } from 'ioredis';
import { keys } from '../../keys';
import { confirmOwnWrite, type DurabilityPolicy } from '../../redis/durability';
import { fingerprintOfPairs } from '../../migration/fingerprint';
import { readPairsInSteps, type HashPairs } from '../../migration/hash-steps';
import { watchConnection } from '../../migration/repair-large';
import { outcomeOfError, skippedFor, type FixOutcome } from '../../migration/repair-outcome';
import { scripts } from '../../scripts';
import { mastersOf } from '../confirm-masters';
import { tagBeside } from '../slot-tags';

/**
 * One copy of a pair made equal to the other on a Redis Cluster (docs/topologies.md "Repair on a
 * cluster"): the source is read in its slot and must still be what the check saw; the target is
 * then replaced compare-and-set in its own slot: the source's fields are staged beside it (a hash
 * tag of the target's slot), and put in place in one short call under WATCH of the target and the
 * staged copy on the target's master, after both were checked in bounded reads.
 */
export interface PairCopy {
  jobId: string;
  /** '' to drop the target (a move's stray) instead of copying over it. */
  source: string;
  /** The source's fingerprint as the check saw it. */
  expectSource: string;
  target: string;
  /** The target's fingerprint as the check saw it ('' = absent). */
  expectTarget: string;
}

/** Most pairs one staging HSET writes, as the one-server repair stages (repair-large.ts). */
const STAGE_PAIRS = 100;
/** A staging key left by a killed repair expires by itself. */
const STAGING_TTL_MS = 60 * 60 * 1000;

/** The staging key of a job's repair, in the target's slot. */
export const clusterStaging = (target: string, jobId: string) =>
  `${keys.repairStaging('')}${tagBeside(target)}:${jobId}`;

/** The pooled connection to the master of `key`, whose duplicate the WATCH connection is. */
function masterOf(cluster: Cluster, key: string): Redis {
  const master = mastersOf(cluster, [key])[0];
  if (!master) throw new Error(`no master is known for ${key}`);
  return master;
}

async function stage(cluster: Cluster, stagingKey: string, pairs: HashPairs): Promise<void> {
  await cluster.unlink(stagingKey);
  const all = [...pairs.values()];
  for (let i = 0; i < all.length; i += STAGE_PAIRS) {
    const chunk = all.slice(i, i + STAGE_PAIRS).flat();
    // One transaction a step (one slot), so a killed process never leaves it without its TTL.
    await cluster
      .multi()
      .hset(stagingKey, ...chunk)
      .pexpire(stagingKey, STAGING_TTL_MS)
      .exec();
  }
}

/** The source as read in its slot, or why the fix is skipped. */
async function readSource(cluster: Cluster, copy: PairCopy): Promise<HashPairs | FixOutcome> {
  const type = await cluster.type(copy.source);
  if (type !== 'hash' && type !== 'none') return skippedFor('wrong_type');
  const pairs = await readPairsInSteps(cluster as unknown as Redis, copy.source);
  if (pairs.size === 0 || fingerprintOfPairs(pairs.values()) !== copy.expectSource)
    return skippedFor('changed');
  return pairs;
}

async function commitUnderWatch(
  conn: Redis,
  copy: PairCopy,
  source: HashPairs,
  staging: string,
): Promise<FixOutcome> {
  await conn.watch(copy.target, staging);
  const type = await conn.type(copy.target);
  if (type !== 'hash' && type !== 'none') return skippedFor('wrong_type');
  const target = await readPairsInSteps(conn, copy.target);
  if (fingerprintOfPairs(target.values()) !== copy.expectTarget) return skippedFor('changed');
  if (copy.source === '') {
    const dropped = await conn.multi().unlink(copy.target).exec();
    return dropped === null ? skippedFor('changed') : { kind: 'applied' };
  }
  const staged = await readPairsInSteps(conn, staging);
  // Another repair of this job may have staged at the same time: commit only our own copy.
  if (fingerprintOfPairs(staged.values()) !== fingerprintOfPairs(source.values()))
    return skippedFor('changed');
  const replies = await conn
    .multi()
    .eval(scripts.clusterRepairCommit.lua, 2, staging, copy.target)
    .exec();
  if (replies === null) return skippedFor('changed'); // a watched key changed: EXEC ran nothing
  const [error, reply] = replies[0]!;
  if (error) return { kind: 'failed', error };
  const [code, reason] = reply as [number, string?];
  return code === 1 ? { kind: 'applied' } : skippedFor(reason);
}

/**
 * Copies the source over the target as the check saw them, or skips: a source that changed since
 * the check, a target that changed since the check (until the commit), a wrong type. An applied
 * commit carries its own confirmation (`commit`). Never throws.
 */
export async function copyPair(
  cluster: Cluster,
  copy: PairCopy,
  policy: DurabilityPolicy,
): Promise<FixOutcome> {
  const staging = clusterStaging(copy.target, copy.jobId);
  let conn: Redis | null = null;
  let outcome: FixOutcome;
  try {
    const source = copy.source === '' ? new Map() : await readSource(cluster, copy);
    if (!(source instanceof Map)) return source;
    // Staged through the Cluster client first, then the target and the staging key are WATCHed
    // together on the target's master: an EXEC of the staging would have ended a WATCH begun before.
    if (copy.source !== '') await stage(cluster, staging, source);
    // A connection of its own to the target's master (repair-large.ts's, on that master).
    const master = masterOf(cluster, copy.target);
    conn = await watchConnection(master);
    outcome = await commitUnderWatch(conn, copy, source, staging);
    // The commit is this connection's write: the call's WAIT on the pooled one does not cover it.
    if (outcome.kind === 'applied')
      outcome = { ...outcome, commit: await confirmOwnWrite(conn, master, policy) };
  } catch (error) {
    outcome = outcomeOfError(error, copy.jobId);
  }
  if (outcome.kind !== 'applied') await cluster.unlink(staging).catch(() => undefined);
  conn?.disconnect();
  return outcome;
}
