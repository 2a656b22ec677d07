import type { CallContext, CoreContext } from '../context';
import { keys } from '../keys';

/** Streams progress with an ETA from the rate since the run (re)started: each phase change, then at most every 100 ms. */
export class ProgressMeter {
  private readonly startedMs = Date.now();
  private lastEmit = 0;
  private lastPhase = '';

  constructor(
    private readonly call: CallContext,
    private readonly doneAtStart: number,
  ) {}

  update(phase: string, done: number, total: number | null): void {
    const onProgress = this.call.onProgress;
    if (!onProgress) return;
    const now = Date.now();
    // Phase changes always go out, so a listener can act at a phase boundary.
    if (phase === this.lastPhase && now - this.lastEmit < 100) return;
    this.lastEmit = now;
    this.lastPhase = phase;
    const rate = (done - this.doneAtStart) / Math.max(0.001, (now - this.startedMs) / 1000);
    const total2 = total === null ? null : Math.max(total, done);
    const eta = total2 !== null && rate > 0 ? Math.round((total2 - done) / rate) : null;
    onProgress({ phase, done, total: total2, eta_s: eta });
  }
}

/**
 * Keys the check will read, estimated without walking the keyspace: twice the indexed jobs (both
 * schemas) plus the queue, or DBSIZE when nothing is indexed yet. A check scoped to one workspace
 * walks every key too (docs/guarantees.md, "Divergence check"), so its estimate is the same.
 */
export async function estimateTotal(ctx: CoreContext): Promise<number> {
  const workspaces = await ctx.redis.smembers(keys.workspaces);
  let indexed = 0;
  for (let i = 0; i < workspaces.length; i += 500) {
    const pipeline = ctx.redis.pipeline();
    for (const ws of workspaces.slice(i, i + 500)) pipeline.zcard(keys.workspaceIndex(ws));
    for (const [error, n] of (await pipeline.exec()) ?? []) if (!error) indexed += Number(n);
  }
  if (indexed === 0) return ctx.redis.dbsize();
  return 2 * indexed + (await ctx.redis.llen(keys.queue));
}
