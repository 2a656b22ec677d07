import pLimit, { type LimitFunction } from 'p-limit';
import type { DivergenceItem } from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { IDEMPOTENCY_PREFIX, keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../keys';
import type { FlagTimeline } from './classify';
import { COMPARE_BATCH, compareNewToOld, compareOldToNew, type BatchResult } from './compare-batch';
import { checkIdempotencyKeys, orphanQueueEntries } from './orphans';
import { recheck, type Recheck } from './recheck';
import type { CheckOptions, Checkpoint } from './check-state';
import { DivergenceRunBase, type QueuePage, type StepFindings } from './divergence-run-base';
import { BoundedKeySet } from './bounded-key-set';
import { streamSteps } from './step-stream';

const NEW_BATCH = 200;
/** SCAN replies read ahead of the one being compared. */
const STEPS_AHEAD = 3;

/**
 * One divergence check run on one server: a SCAN walk compared in batched script calls, over the
 * phases, counts, re-check and checkpoint every check shares (divergence-run-base.ts).
 */
export class DivergenceRun extends DivergenceRunBase {
  /** Compare calls in flight across every step of the scan. */
  private readonly limit: LimitFunction;
  /** New keys the old -> new calls found in place: the new -> old calls skip them. */
  private readonly found = new BoundedKeySet();

  constructor(
    ctx: CoreContext,
    cp: Checkpoint,
    flag: FlagTimeline,
    call: CallContext,
    opts: CheckOptions,
  ) {
    super(ctx, cp, flag, call, opts, COMPARE_BATCH);
    this.limit = pLimit(opts.inFlight);
  }

  /**
   * One SCAN walk of the keyspace serves both directions and the idempotency keys, compared as it
   * streams in (step-stream.ts). A step's findings are counted when the cursor passes it, so a
   * resumed walk counts every key once.
   */
  protected async scan(): Promise<boolean> {
    const phase = this.filter ? `scan all keys for ${this.filter}` : 'scan';
    // SCAN goes on a connection of its own: on the check's, it would wait behind every compare
    // call in flight, and Redis would run dry while this process reads the reply.
    const walker = this.ctx.redis.duplicate();
    walker.on('error', () => undefined); // a failed SCAN rejects its call, which fails the run
    try {
      return await streamSteps<StepFindings>({
        cursor: this.cp.cursor,
        read: async (cursor) => {
          const [next, found] = await walker.scan(
            cursor,
            'MATCH',
            'ai:*',
            'COUNT',
            this.opts.scanCount,
          );
          return { next, found, last: next === '0' };
        },
        process: (found) => this.compareKeys(found),
        done: async (next, read, findings, stopping) => {
          this.count(findings);
          this.sendItems();
          this.cp.cursor = next;
          this.tick(phase, read);
          if (!stopping) await this.maybeSave();
        },
        cancelled: () => this.cancelled(),
        ahead: STEPS_AHEAD,
      });
    } finally {
      walker.disconnect();
    }
  }

  protected queuePage(offset: number): Promise<QueuePage> {
    return orphanQueueEntries(this.ctx, offset);
  }

  protected readAgain(batch: DivergenceItem[]): Promise<Recheck[]> {
    return recheck(this.ctx, batch, this.flag, this.filter);
  }

  /** Compares scanned keys of both schemas, a few bounded script calls in flight. */
  private async compareKeys(found: string[]): Promise<StepFindings> {
    const oldKeys = found.filter((k) => k.startsWith(OLD_JOB_PREFIX));
    // 'ai:jobs:' does not start with 'ai:job:', so the two prefixes never overlap.
    const newKeys = found.filter((k) => k.startsWith(NEW_JOB_PREFIX));
    const idemPrefix = this.filter ? keys.idempotency(this.filter, '') : IDEMPOTENCY_PREFIX;
    const idemKeys = found.filter((k) => k.startsWith(idemPrefix));
    const orphans = idemKeys.length ? checkIdempotencyKeys(this.ctx, idemKeys) : null;
    orphans?.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    const results = await Promise.all([
      ...this.batches(oldKeys, COMPARE_BATCH, 'old', async (redis, batch, scope) => {
        const result = await compareOldToNew(redis, batch, scope);
        for (const key of result.found ?? []) this.found.add(key);
        return result;
      }),
      // Sifted when the call starts, so every old -> new call answered by then has counted.
      ...this.batches(newKeys, NEW_BATCH, 'new', (redis, batch, scope) => {
        const rest = batch.filter((key) => !this.found.take(key));
        return rest.length ? compareNewToOld(redis, rest, scope) : { count: 0, findings: [] };
      }),
    ]);
    return { results, orphans: orphans ? await orphans : [] };
  }

  /** Compare calls over `keys` in batches of `size`, each run under the check's shared limit. */
  private batches(
    keyList: string[],
    size: number,
    side: 'old' | 'new',
    compare: (
      redis: CoreContext['redis'],
      batch: string[],
      scope: string,
    ) => BatchResult | Promise<BatchResult>,
  ): Array<Promise<BatchResult & { side: 'old' | 'new' }>> {
    const calls: Array<Promise<BatchResult & { side: 'old' | 'new' }>> = [];
    for (let i = 0; i < keyList.length; i += size) {
      const batch = keyList.slice(i, i + size);
      calls.push(
        this.limit(async () => ({ side, ...(await compare(this.ctx.redis, batch, this.filter)) })),
      );
    }
    return calls;
  }
}
