import type { Redis } from 'ioredis';
import type { FlagState, FlagValue } from '../../../shared/contract';
import { clusterFlagHistory } from '../cluster/slot-tags';
import type { CoreContext } from '../context';
import { InternalError } from '../errors';
import { keys } from '../keys';
import { readFlag } from '../jobs/read-job';
import { orderKeys, runScript, scripts } from '../scripts';

/** Flag changes kept in the history; older ones only matter for jobs that old. */
export const HISTORY_LIMIT = 1000;

/**
 * The flag history's key: on a Redis Cluster it sits beside the flag (a hash tag of the flag's
 * slot), so the flag and its history are written by one script (docs/topologies.md "Cluster writes").
 */
export function flagHistoryKey(redis: Redis): string {
  return (redis as { isCluster?: boolean }).isCluster
    ? clusterFlagHistory(keys.flag)
    : keys.flagHistory;
}

export async function getFlag(ctx: CoreContext): Promise<FlagState> {
  const { value, source } = await readFlag(ctx);
  return { new_schema: value, source };
}

/**
 * Stores the flag in Redis, where every producer's next enqueue script reads it, and records the
 * change in the flag history so a divergence check can tell jobs enqueued while it was off. The
 * change is stamped with Redis's clock inside the same script, never this machine's.
 */
export async function setFlag(ctx: CoreContext, value: FlagValue): Promise<FlagState> {
  const keyList = orderKeys(scripts.setFlag, {
    flag: keys.flag,
    history: flagHistoryKey(ctx.redis),
  });
  const reply = (await runScript(ctx.redis, scripts.setFlag, keyList, [value, HISTORY_LIMIT])) as [
    number,
    string | number,
  ];
  if (reply[0] !== 1) {
    throw new InternalError(
      `Redis key ${reply[1]} holds another type than expected (WRONGTYPE); the flag was not changed. Inspect or remove that key, then retry.`,
      { key: reply[1], redis_error: 'WRONGTYPE' },
    );
  }
  ctx.lastFlag = value;
  return { new_schema: value, source: 'redis' };
}

export interface FlagChange {
  at: number;
  value: FlagValue;
}

/** The recorded flag changes, oldest first. */
export async function readFlagHistory(ctx: CoreContext): Promise<FlagChange[]> {
  const members = await ctx.redis.zrange(flagHistoryKey(ctx.redis), '0', '-1');
  return members.flatMap((m) => {
    const [value, at] = m.split(':');
    return value === 'on' || value === 'off' ? [{ value, at: Number(at) }] : [];
  });
}

/**
 * The flag's value at a moment, from the history: the last change before it; before the first
 * recorded change, the opposite of that change; with no history, the flag as it is now.
 */
export function flagAt(history: FlagChange[], current: FlagValue, atMs: number): FlagValue {
  if (history.length === 0 || !Number.isFinite(atMs)) return current;
  let value: FlagValue | null = null;
  for (const change of history) {
    if (change.at > atMs) break;
    value = change.value;
  }
  if (value !== null) return value;
  return history[0]!.value === 'on' ? 'off' : 'on';
}
