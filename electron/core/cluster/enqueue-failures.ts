import type { EnqueueManyItem, FlagValue } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { toApiError } from '../error-mapping';
import { keys } from '../keys';
import { EnqueueUnconfirmed } from './confirm-on-owners';

/**
 * docs/operations.md, "enqueue", step 5, on a cluster: a failed dual-write attempt (any error but
 * validation or a conflict, while the flag is on) is counted in memory and flushed per key
 * through the Cluster client (telemetry/dual-write-failures.ts), as on one server.
 */

const NOT_COUNTED = new Set(['VALIDATION', 'CONFLICT']);

/** The flag as Redis has it now, else as last seen, else the default: Redis may be what failed. */
async function flagNow(ctx: CoreContext): Promise<FlagValue> {
  const raw = await ctx.redis.get(keys.flag).catch(() => undefined);
  if (raw === undefined) return ctx.lastFlag ?? ctx.config.defaultFlag;
  return raw === null ? ctx.config.defaultFlag : raw === 'on' ? 'on' : 'off';
}

async function record(ctx: CoreContext, workspaces: string[]): Promise<void> {
  if (workspaces.length === 0 || (await flagNow(ctx)) !== 'on') return;
  for (const ws of workspaces) ctx.failures.record(ws);
}

/** Runs one cluster enqueue, counting it as a failed attempt when it fails. */
export async function countingFailure<T>(
  ctx: CoreContext,
  workspaceId: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    const out = await run();
    void ctx.failures.flush(ctx.redis);
    return out;
  } catch (error) {
    const unconfirmed = error instanceof EnqueueUnconfirmed;
    if (!unconfirmed && !NOT_COUNTED.has(toApiError(error).code)) await record(ctx, [workspaceId]);
    void ctx.failures.flush(ctx.redis);
    throw error;
  }
}

/** Counts the error items of an enqueueMany as failed attempts, by the workspace of their job. */
export async function countFailedItems(
  ctx: CoreContext,
  jobs: unknown[],
  results: EnqueueManyItem[],
): Promise<void> {
  const failed = results.flatMap((item, i) => {
    if (item.outcome !== 'error' || NOT_COUNTED.has(item.error.code)) return [];
    // Unconfirmed is not a failed attempt: the job was written, a retry finishes it.
    if ((item.error.details as { outcome?: unknown } | undefined)?.outcome === 'unconfirmed')
      return [];
    const ws = (jobs[i] as { workspace_id?: unknown } | undefined)?.workspace_id;
    return typeof ws === 'string' && ws ? [ws] : [];
  });
  await record(ctx, failed);
  void ctx.failures.flush(ctx.redis);
}
