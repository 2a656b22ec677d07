import type { FlagState, FlagValue } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { keys } from '../keys';
import { readFlag } from '../jobs/read-job';

export async function getFlag(ctx: CoreContext): Promise<FlagState> {
  const { value, source } = await readFlag(ctx);
  return { new_schema: value, source };
}

/** Stores the flag in Redis, where every producer's next enqueue script reads it. */
export async function setFlag(ctx: CoreContext, value: FlagValue): Promise<FlagState> {
  await ctx.redis.set(keys.flag, value);
  ctx.lastFlag = value;
  return { new_schema: value, source: 'redis' };
}
