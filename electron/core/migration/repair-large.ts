import type { Redis } from 'ioredis';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { confirmOwnWrite, durabilityPolicy } from '../redis/durability';
import { orderKeys, scripts } from '../scripts';
import { fingerprintOfPairs } from './fingerprint';
import { readPairsInSteps, type HashPairs } from './hash-steps';
import { outcomeOfError, skippedFor, type FixOutcome, type JobFix } from './repair-outcome';

/**
 * Most pairs and bytes one staging HSET writes (a single bigger value goes alone). 100 pairs: while
 * a hash grows through its first few hundred fields an HSET of 250 pairs can take 1.5 ms.
 */
const STAGE_PAIRS = 100;
const STAGE_BYTES = 128 * 1024;
/** A staging key left by a killed repair expires by itself; the next repair of its job drops it. */
export const STAGING_TTL_MS = 60 * 60 * 1000;

/**
 * A connection of its own for WATCH, which lives on one connection. It never reconnects and never
 * queues a command while down: after a reconnect the WATCH would be gone and EXEC would run
 * unchecked. The repair on a cluster opens it to the target's master (cluster/repair/copy-pair.ts).
 */
export async function watchConnection(redis: Redis): Promise<Redis> {
  const conn = redis.duplicate({
    lazyConnect: true,
    enableAutoPipelining: false,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  conn.on('error', () => undefined);
  await conn.connect();
  return conn;
}

/** Writes the source's pairs into the staging key in bounded HSETs, each with the key's TTL. */
async function stage(redis: Redis, stagingKey: string, pairs: HashPairs): Promise<void> {
  await redis.unlink(stagingKey);
  let chunk: Buffer[] = [];
  let bytes = 0;
  const flush = async () => {
    if (chunk.length === 0) return;
    // One transaction a step, so a killed process never leaves a staging key without its TTL.
    await redis
      .multi()
      .hset(stagingKey, ...chunk)
      .pexpire(stagingKey, STAGING_TTL_MS)
      .exec();
    chunk = [];
    bytes = 0;
  };
  for (const [field, value] of pairs.values()) {
    if (chunk.length > 0 && bytes + field.length + value.length > STAGE_BYTES) await flush();
    chunk.push(field, value);
    bytes += field.length + value.length;
    if (chunk.length >= 2 * STAGE_PAIRS) await flush();
  }
  await flush();
}

/** A transaction refused whole (EXECABORT) carries the error that refused it, e.g. OOM. */
function causeOf(error: unknown): unknown {
  const previous = (error as { previousErrors?: unknown[] } | null)?.previousErrors;
  return previous?.[0] ?? error;
}

/** The copies one fix reads (source, the other fingerprinted copy) and the one it replaces. */
function rolesOf(fix: JobFix) {
  const fromNew = fix.action === 'new_to_old';
  return {
    other: fix.action === 'move' ? fix.keys.stray : fix.keys.new,
    target: fromNew ? fix.keys.old : fix.keys.new,
    watched: [fix.keys.old, fix.keys.new, fix.keys.stray].filter(Boolean),
  };
}

/** Checks types, fingerprints and occupancy under WATCH; returns the source's pairs, or a skip. */
async function verified(conn: Redis, fix: JobFix): Promise<HashPairs | FixOutcome> {
  const { other, watched } = rolesOf(fix);
  await conn.watch(...watched);
  const wanted: Array<[string, string]> = [
    ...watched.map((k): [string, string] => [k, 'hash']),
    [fix.keys.index, 'zset'],
    ...(fix.keys.strayIndex ? [[fix.keys.strayIndex, 'zset'] as [string, string]] : []),
  ];
  for (const [key, type] of wanted) {
    const found = await conn.type(key);
    if (found !== 'none' && found !== type) return skippedFor('wrong_type');
  }
  const old = await readPairsInSteps(conn, fix.keys.old);
  if (fingerprintOfPairs(old.values()) !== fix.expectOld) return skippedFor('changed');
  const otherPairs = await readPairsInSteps(conn, other);
  if (fingerprintOfPairs(otherPairs.values()) !== fix.expectOther) return skippedFor('changed');
  const source = fix.action === 'new_to_old' ? otherPairs : old;
  if (source.size === 0 || (fix.action === 'new_to_old' && old.size > 0))
    return skippedFor('changed');
  if (fix.action === 'move' && (await conn.exists(fix.keys.new)) === 1)
    return skippedFor('occupied');
  return source;
}

/** Puts the staged copy in place with the commit script, inside MULTI/EXEC under the WATCH. */
async function commit(conn: Redis, fix: JobFix, stagingKey: string): Promise<FixOutcome> {
  const keyList = orderKeys(scripts.commitStagedCopy, {
    staging: stagingKey,
    target: rolesOf(fix).target,
    index: fix.keys.index,
    stray: fix.keys.stray,
    strayIndex: fix.keys.strayIndex,
  });
  let replies: Array<[Error | null, unknown]> | null;
  try {
    // EVAL, not EVALSHA: a NOSCRIPT inside MULTI would only show at EXEC, with the WATCH spent.
    replies = await conn
      .multi()
      .eval(scripts.commitStagedCopy.lua, keyList.length, ...keyList, fix.jobId, fix.score)
      .exec();
  } catch (error) {
    return outcomeOfError(causeOf(error), fix.jobId);
  }
  if (replies === null) return skippedFor('changed'); // a watched key changed: EXEC ran nothing
  const [error, reply] = replies[0]!;
  if (error) return { kind: 'failed', error };
  const [code, reason] = reply as [number, string?];
  return code === 1 ? { kind: 'applied' } : skippedFor(reason);
}

/** The steps after the WATCH connection is up; the caller cleans up whatever they leave. */
async function repairUnderWatch(
  ctx: CoreContext,
  conn: Redis,
  fix: JobFix,
  stagingKey: string,
): Promise<FixOutcome> {
  const source = await verified(conn, fix);
  if (!(source instanceof Map)) return source;
  await stage(ctx.redis, stagingKey, source);
  await conn.watch(stagingKey);
  const staged = await readPairsInSteps(conn, stagingKey);
  // Another repair of this job may have staged at the same time: commit only our own copy.
  if (fingerprintOfPairs(staged.values()) !== fingerprintOfPairs(source.values()))
    return skippedFor('changed');
  return commit(conn, fix, stagingKey);
}

/**
 * Repairs one job too big for a single short call, in bounded steps (docs/repair.md): WATCH both
 * copies, read them in HSCAN steps and compare their fingerprints with the check's, copy the source
 * into a staging key in bounded HSETs, check the staged copy, then RENAME it over the target in one
 * short transaction that runs only if nothing it read has changed. Until that transaction the
 * job's copies are untouched; it applies whole or not at all. An applied transaction carries its
 * own confirmation (`commit`). Never throws.
 */
export async function repairLargeJob(ctx: CoreContext, fix: JobFix): Promise<FixOutcome> {
  const stagingKey = keys.repairStaging(fix.jobId);
  let conn: Redis | null = null;
  let outcome: FixOutcome;
  try {
    conn = await watchConnection(ctx.redis);
    outcome = await repairUnderWatch(ctx, conn, fix, stagingKey);
    // The commit is this connection's write: the call's WAIT on ctx.redis covers it only if that
    // connection happens to write after it (the report's marks are best effort).
    if (outcome.kind === 'applied')
      outcome = {
        ...outcome,
        commit: await confirmOwnWrite(conn, ctx.redis, durabilityPolicy(ctx.config)),
      };
  } catch (error) {
    // Nothing that touches a copy is sent before the commit, whose errors commit() turns into
    // outcomes itself: whatever failed here left the job as it was.
    outcome = { kind: 'failed', error: causeOf(error) };
  }
  conn?.disconnect();
  // Also drops a staging key a killed repair of this job left behind.
  if (outcome.kind === 'skipped' || outcome.kind === 'failed')
    await ctx.redis.unlink(stagingKey).catch(() => undefined);
  return outcome;
}
