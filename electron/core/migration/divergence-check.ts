import pLimit, { type LimitFunction } from 'p-limit';
import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { IDEMPOTENCY_PREFIX, keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../keys';
import { readFlag } from '../jobs/read-job';
import { classify, isMovedCopy, type FlagTimeline } from './classify';
import {
  COMPARE_BATCH,
  compareNewToOld,
  compareOldToNew,
  type BatchResult,
  type Finding,
} from './compare-batch';
import { readFlagHistory } from './flags';
import { dropMovedJobs, findCopiesElsewhere } from './moved-copies';
import { checkIdempotencyKeys, orphanIdempotencyKeys, orphanQueueEntries } from './orphans';
import { settleSuspects } from './recheck';
import {
  abandon,
  DEFAULT_CHECK_OPTIONS,
  loadCheckpoint,
  newReport,
  PHASES_ALL,
  PHASES_WORKSPACE,
  type CheckOptions,
  type Checkpoint,
  type Phase,
} from './check-state';
import { checkStore, type CheckStore } from './check-store';
import { fileReport, pushItems, readReport, saveReport } from './report-store';
import { estimateTotal, ProgressMeter } from './progress';
import { streamSteps, type Step } from './step-stream';

const NEW_BATCH = 200;
/** Steps (SCAN replies or index pages) read ahead of the one being compared. */
const STEPS_AHEAD = 3;

/** One divergence check run: scans, classifies, re-checks suspects, and keeps its cursor (check-store). */
class DivergenceRun {
  private readonly moved: Set<string>;
  /** Jobs found missing in old: their queue entries are not reported again as orphans. */
  private readonly missingOld: Set<string>;
  private suspects: DivergenceItem[] = [];
  private awaiting: DivergenceItem[] = [];
  private lastSave = Date.now();
  /** When this run last found a suspect (0 when resumed past the scan: the pause is then whole). */
  private lastSuspectAt = 0;
  /** Registered workspaces but the checked one, read once when a scoped check needs them. */
  private otherWorkspaces: string[] | undefined;
  private readonly meter: ProgressMeter;
  private readonly startedMs = Date.now();
  private readonly elapsedBefore: number;
  /** Compare calls in flight across every step of the scan. */
  private readonly limit: LimitFunction;
  /** Reports, checkpoint and working lists: Redis, or this process on a read-only connection. */
  private readonly store: CheckStore;

  constructor(
    private readonly ctx: CoreContext,
    private readonly cp: Checkpoint,
    private readonly flag: FlagTimeline,
    private readonly call: CallContext,
    private readonly opts: CheckOptions,
  ) {
    this.moved = new Set(cp.moved);
    this.missingOld = new Set(cp.missing_old ?? []);
    this.elapsedBefore = cp.report.elapsed_s ?? 0;
    this.meter = new ProgressMeter(call, cp.report.scanned);
    this.limit = pLimit(opts.inFlight);
    this.store = checkStore(ctx);
  }

  private get report() {
    return this.cp.report;
  }

  private get scope(): string {
    return this.report.workspace_id ?? '*';
  }

  private get phases(): Phase[] {
    return this.report.workspace_id ? PHASES_WORKSPACE : PHASES_ALL;
  }

  async run(): Promise<DivergenceReport> {
    try {
      while (this.cp.phase !== 'finish') {
        const done = await this.runPhase(this.cp.phase);
        if (!done) return await this.stop('cancelled');
        const next = this.phases[this.phases.indexOf(this.cp.phase) + 1] ?? 'finish';
        this.cp.phase = next;
        this.cp.cursor = '0';
        await this.save();
      }
      return await this.finish();
    } catch (error) {
      await this.stop('failed').catch(() => undefined);
      throw error;
    }
  }

  /** Runs a phase to its end; false when cancelled midway (the cursor is saved). */
  private async runPhase(phase: Phase): Promise<boolean> {
    switch (phase) {
      case 'scan':
        // One walk of the keyspace serves both directions and the idempotency keys.
        return this.scanLoop('ai:*');
      case 'scan_new':
        return this.scanLoop(`${keys.newJob(this.report.workspace_id ?? '', '')}*`);
      case 'index':
        return this.indexLoop();
      case 'queue':
        return this.queueLoop();
      case 'idempotency':
        return this.idempotencyLoop();
      case 'recheck':
        return this.recheckRounds();
      case 'finish':
        return true;
    }
  }

  private cancelled(): boolean {
    return this.call.signal?.aborted === true;
  }

  /** SCAN over the keyspace, compared as it streams in (see `streamCompare`). */
  private scanLoop(match: string): Promise<boolean> {
    return this.streamCompare(async (cursor) => {
      const [next, found] = await this.ctx.redis.scan(
        cursor,
        'MATCH',
        match,
        'COUNT',
        this.opts.scanCount,
      );
      return { next, found, last: next === '0' };
    });
  }

  /** Old -> new over a workspace's index (enqueue keeps it; the background indexer adds others'). */
  private indexLoop(): Promise<boolean> {
    const index = keys.workspaceIndex(this.report.workspace_id ?? '');
    const count = this.opts.scanCount;
    return this.streamCompare(async (cursor) => {
      const offset = Number(cursor);
      const ids = await this.ctx.redis.zrange(index, String(offset), String(offset + count - 1));
      return {
        next: String(offset + ids.length),
        found: ids.map((id) => keys.oldJob(id)),
        last: ids.length < count,
      };
    });
  }

  /** Compares a walk's steps as they stream in (step-stream.ts), saving the cursor behind them. */
  private streamCompare(read: (cursor: string) => Promise<Step>): Promise<boolean> {
    return streamSteps({
      cursor: this.cp.cursor,
      read,
      process: (found) => this.compareKeys(found),
      done: async (next, read, stopping) => {
        this.cp.cursor = next;
        this.tick('scan', read);
        if (!stopping) await this.maybeSave();
      },
      cancelled: () => this.cancelled(),
      ahead: STEPS_AHEAD,
    });
  }

  private async queueLoop(): Promise<boolean> {
    for (;;) {
      const page = await orphanQueueEntries(this.ctx, Number(this.cp.cursor));
      if (!page) return true;
      // A queued job whose old hash is gone but whose new copy is there is reported once, as
      // missing in old: its repair restores the hash the queue entry points to.
      this.note(page.items.filter((item) => !this.missingOld.has(item.job_id)));
      await this.flush();
      this.cp.cursor = String(Number(this.cp.cursor) + page.read);
      this.tick('queue', page.read);
      if (this.cancelled()) return false;
      await this.maybeSave();
    }
  }

  private async idempotencyLoop(): Promise<boolean> {
    for (;;) {
      const step = await orphanIdempotencyKeys(
        this.ctx,
        this.cp.cursor,
        this.report.workspace_id ?? undefined,
      );
      this.note(step.items);
      await this.flush();
      this.cp.cursor = step.cursor;
      this.tick('idempotency', step.read);
      if (step.cursor === '0') return true;
      if (this.cancelled()) return false;
      await this.maybeSave();
    }
  }

  /** Compares scanned keys of both schemas, a few bounded script calls in flight. */
  private async compareKeys(found: string[]): Promise<void> {
    const oldKeys = found.filter((k) => k.startsWith(OLD_JOB_PREFIX));
    // 'ai:jobs:' does not start with 'ai:job:', so the two prefixes never overlap.
    const newKeys = found.filter((k) => k.startsWith(NEW_JOB_PREFIX));
    const idemKeys = this.report.workspace_id
      ? []
      : found.filter((k) => k.startsWith(IDEMPOTENCY_PREFIX));
    const orphans = idemKeys.length ? checkIdempotencyKeys(this.ctx, idemKeys) : null;
    orphans?.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    const results = await Promise.all([
      ...this.batches(oldKeys, COMPARE_BATCH, 'old', compareOldToNew),
      ...this.batches(newKeys, NEW_BATCH, 'new', compareNewToOld),
    ]);
    const unplaced: string[] = [];
    for (const result of results) {
      if (result.side === 'old') {
        this.report.in_sync += result.count;
        this.report.pairs_compared! += result.count;
      }
      for (const finding of result.findings) {
        const item = this.take(finding);
        if (!item) continue;
        if (item.category === 'missing_in_new' && this.report.workspace_id)
          unplaced.push(item.job_id);
        if (
          result.side === 'old' &&
          item.category !== 'awaiting_backfill' &&
          item.category !== 'missing_in_new'
        )
          this.report.pairs_compared!++;
      }
    }
    if (orphans) this.note(await orphans);
    if (unplaced.length) await this.findMovedCopies(unplaced);
    await this.flush();
  }

  /**
   * Jobs missing in new (few, unlike those awaiting backfill) are looked for under every other
   * registered workspace; a copy found there is reported as a workspace mismatch, and the
   * missing-in-new record dropped.
   */
  private async findMovedCopies(jobIds: string[]): Promise<void> {
    this.otherWorkspaces ??= (await this.ctx.redis.smembers(keys.workspaces)).filter(
      (ws) => ws !== this.report.workspace_id,
    );
    for (const finding of await findCopiesElsewhere(this.ctx, jobIds, this.otherWorkspaces))
      this.take(finding);
  }

  /** Compare calls over `keys` in batches of `size`, each run under the check's shared limit. */
  private batches(
    keyList: string[],
    size: number,
    side: 'old' | 'new',
    compare: (redis: CoreContext['redis'], batch: string[]) => Promise<BatchResult>,
  ): Array<Promise<BatchResult & { side: 'old' | 'new' }>> {
    const calls: Array<Promise<BatchResult & { side: 'old' | 'new' }>> = [];
    for (let i = 0; i < keyList.length; i += size) {
      const batch = keyList.slice(i, i + size);
      calls.push(this.limit(async () => ({ side, ...(await compare(this.ctx.redis, batch)) })));
    }
    return calls;
  }

  /** Classifies a compare finding, remembers what later phases need of it, and notes the item. */
  private take(finding: Finding): DivergenceItem | null {
    if (isMovedCopy(finding)) this.moved.add(finding.job_id);
    const item = classify(finding, this.flag);
    if (!item) return null;
    if (item.category === 'missing_in_old') this.missingOld.add(item.job_id);
    this.note([item]);
    return item;
  }

  private note(items: DivergenceItem[]): void {
    for (const item of items) {
      if (item.category !== 'awaiting_backfill') this.lastSuspectAt = Date.now();
      this.report.counts[item.category]++;
      (item.category === 'awaiting_backfill' ? this.awaiting : this.suspects).push(item);
    }
  }

  private async flush(): Promise<void> {
    const { suspects, awaiting } = this;
    this.suspects = [];
    this.awaiting = [];
    if (suspects.length)
      await pushItems(this.ctx, keys.divergenceSuspects(this.report.id, 0), suspects);
    if (awaiting.length)
      await pushItems(this.ctx, keys.divergenceAwaiting(this.report.id), awaiting);
  }

  /** Re-reads the suspects in rounds; only those divergent every time are reported. */
  private async recheckRounds(): Promise<boolean> {
    const rounds = this.opts.recheckRounds;
    this.report.recheck_rounds = rounds;
    for (let round = Math.max(1, this.cp.round); round <= Math.max(1, rounds); round++) {
      this.cp.round = round;
      const source = keys.divergenceSuspects(this.report.id, round - 1);
      const final = round >= rounds;
      const target = final
        ? keys.divergenceItems(this.report.id)
        : keys.divergenceSuspects(this.report.id, round);
      this.tick('recheck', 0);
      if (round > 1 || Number(this.cp.cursor) === 0) await this.pause(round);
      for (let offset = Number(this.cp.cursor); ; offset += COMPARE_BATCH) {
        const raw = await this.store.lrange(source, offset, offset + COMPARE_BATCH - 1);
        if (raw.length === 0) break;
        const still = await settleSuspects(
          this.ctx,
          raw.map((t) => JSON.parse(t) as DivergenceItem),
          this.flag,
          this.moved,
          this.report,
          rounds > 0,
        );
        if (final) for (const item of still) this.countWorkspace(item);
        if (still.length) await pushItems(this.ctx, target, still);
        this.cp.cursor = String(offset + raw.length);
        this.tick('recheck', 0);
        if (this.cancelled()) return false;
        await this.maybeSave();
      }
      await this.store.del(source);
      this.cp.cursor = '0';
    }
    await this.dropMovedFromAwaiting();
    return true;
  }

  /**
   * Waits so that every suspect is read again at least recheckPauseMs after it was last read,
   * letting a write that was in flight land. Suspects of the scan were read when they were found,
   * mostly long ago, so round 1 waits only for the latest of them; later rounds read all just now.
   */
  private pause(round: number): Promise<void> {
    const pauseMs = this.opts.recheckPauseMs;
    if (this.opts.recheckRounds === 0 || pauseMs === 0) return Promise.resolve();
    const since = round === 1 && this.lastSuspectAt ? Date.now() - this.lastSuspectAt : 0;
    const wait = Math.max(0, pauseMs - since);
    return wait > 0 ? new Promise((resolve) => setTimeout(resolve, wait)) : Promise.resolve();
  }

  private countWorkspace(item: DivergenceItem): void {
    if (item.category.startsWith('orphan_') || !item.workspace_id) return;
    const byWs = (this.report.by_workspace ??= {});
    byWs[item.workspace_id] = (byWs[item.workspace_id] ?? 0) + 1;
  }

  /** A job moved to another workspace was counted missing in new too; drop that record. */
  private async dropMovedFromAwaiting(): Promise<void> {
    if (this.moved.size === 0) return;
    this.report.counts.awaiting_backfill -= await dropMovedJobs(
      this.ctx,
      keys.divergenceAwaiting(this.report.id),
      keys.divergenceSuspects(this.report.id, 99),
      this.moved,
    );
  }

  private tick(phase: string, read: number): void {
    this.report.scanned += read;
    this.meter.update(phase, this.report.scanned, this.report.estimated_total);
  }

  private async maybeSave(): Promise<void> {
    if (Date.now() - this.lastSave >= this.opts.checkpointEveryMs) await this.save();
  }

  private async save(): Promise<void> {
    this.lastSave = Date.now();
    this.report.elapsed_s = this.elapsedBefore + (Date.now() - this.startedMs) / 1000;
    this.cp.moved = [...this.moved];
    this.cp.missing_old = [...this.missingOld];
    await saveReport(this.ctx, this.report);
    await this.store.set(keys.divergenceCheckpoint(this.scope), JSON.stringify(this.cp));
  }

  private async stop(state: 'cancelled' | 'failed'): Promise<DivergenceReport> {
    await this.flush();
    this.report.state = state;
    await this.save();
    return { ...this.report, items: [] };
  }

  private async finish(): Promise<DivergenceReport> {
    this.report.state = 'completed';
    this.report.finished_at = new Date().toISOString();
    this.report.elapsed_s = this.elapsedBefore + (Date.now() - this.startedMs) / 1000;
    await saveReport(this.ctx, this.report);
    await this.store.del(keys.divergenceCheckpoint(this.scope));
    this.meter.update('done', this.report.scanned, this.report.scanned);
    return (await readReport(this.ctx, this.report.id)) ?? this.report;
  }
}

/** SPEC 3 divergence_check: both directions, orphans, re-checked suspects; resumable and cancellable. */
export async function divergenceCheck(
  ctx: CoreContext,
  input: { workspace_id?: string | undefined; resume?: boolean | undefined },
  call: CallContext,
  options: Partial<CheckOptions> = {},
): Promise<DivergenceReport> {
  const opts = { ...DEFAULT_CHECK_OPTIONS, ...options };
  const scope = input.workspace_id ?? '*';
  const [history, flag] = await Promise.all([readFlagHistory(ctx), readFlag(ctx)]);
  const timeline: FlagTimeline = { history, current: flag.value };
  const saved = await loadCheckpoint(ctx, scope);
  let cp: Checkpoint;
  if (saved && input.resume) {
    cp = saved;
    cp.report.state = 'running';
    cp.report.resumed = true;
  } else {
    if (saved) await abandon(ctx, saved);
    const report = newReport(input.workspace_id ?? null);
    report.estimated_total = await estimateTotal(ctx, input.workspace_id);
    cp = { report, phase: input.workspace_id ? 'index' : 'scan', cursor: '0', round: 0, moved: [] };
    await fileReport(ctx, report);
  }
  return new DivergenceRun(ctx, cp, timeline, call, opts).run();
}
