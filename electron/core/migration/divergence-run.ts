import pLimit, { type LimitFunction } from 'p-limit';
import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { IDEMPOTENCY_PREFIX, keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../keys';
import { classify, isMovedCopy, type FlagTimeline } from './classify';
import {
  COMPARE_BATCH,
  compareNewToOld,
  compareOldToNew,
  type BatchResult,
  type Finding,
} from './compare-batch';
import { dropMovedJobs } from './moved-copies';
import { checkIdempotencyKeys, orphanQueueEntries } from './orphans';
import { settleSuspects } from './recheck';
import {
  PHASES_ALL,
  PHASES_WORKSPACE,
  type CheckOptions,
  type Checkpoint,
  type Phase,
} from './check-state';
import { checkStore, type CheckStore } from './check-store';
import { pushItems, readReport, saveReport } from './report-store';
import { ProgressMeter } from './progress';
import { streamSteps } from './step-stream';

const NEW_BATCH = 200;
/** SCAN replies read ahead of the one being compared. */
const STEPS_AHEAD = 3;

/** What the compare calls of one walk step found; counted only once the cursor passes the step. */
interface StepFindings {
  results: Array<BatchResult & { side: 'old' | 'new' }>;
  orphans: DivergenceItem[];
}

/** One divergence check run: scans, classifies, re-checks suspects, and keeps its cursor (check-store). */
export class DivergenceRun {
  private readonly moved: Set<string>;
  /** Jobs found missing in old: their queue entries are not reported again as orphans. */
  private readonly missingOld: Set<string>;
  private suspects: DivergenceItem[] = [];
  private awaiting: DivergenceItem[] = [];
  private lastSave = Date.now();
  /** Pushes to the working lists, in order; a checkpoint waits for them (save). */
  private pushing: Promise<void> = Promise.resolve();
  /** When this run last found a suspect (0 when resumed past the scan: the pause is then whole). */
  private lastSuspectAt = 0;
  /** Items pushed to each working list so far (saved with the checkpoint; see list_lengths). */
  private readonly lengths: Record<string, number>;
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
    this.lengths = { ...cp.list_lengths };
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

  /** The workspace the compare scripts keep to ('' = every job). */
  private get filter(): string {
    return this.report.workspace_id ?? '';
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
      await this.fail().catch(() => undefined);
      throw error;
    }
  }

  /** Runs a phase to its end; false when cancelled midway (the cursor is saved). */
  private async runPhase(phase: Phase): Promise<boolean> {
    switch (phase) {
      case 'scan':
        return this.scanLoop();
      case 'queue':
        return this.queueLoop();
      case 'recheck':
        return this.recheckRounds();
      case 'finish':
        return true;
    }
  }

  private cancelled(): boolean {
    return this.call.signal?.aborted === true;
  }

  /**
   * One SCAN walk of the keyspace serves both directions and the idempotency keys, compared as it
   * streams in (step-stream.ts). A step's findings are counted when the cursor passes it, so a
   * resumed walk counts every key once.
   */
  private async scanLoop(): Promise<boolean> {
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
      ...this.batches(oldKeys, COMPARE_BATCH, 'old', compareOldToNew),
      ...this.batches(newKeys, NEW_BATCH, 'new', compareNewToOld),
    ]);
    return { results, orphans: orphans ? await orphans : [] };
  }

  /** Counts a passed step's findings into the report. */
  private count({ results, orphans }: StepFindings): void {
    for (const result of results) {
      if (result.side === 'old') {
        this.report.in_sync += result.count;
        this.report.pairs_compared! += result.count;
      }
      for (const finding of result.findings) {
        const item = this.take(finding);
        if (
          item &&
          result.side === 'old' &&
          item.category !== 'awaiting_backfill' &&
          item.category !== 'missing_in_new'
        )
          this.report.pairs_compared!++;
      }
    }
    this.note(orphans);
  }

  /** Compare calls over `keys` in batches of `size`, each run under the check's shared limit. */
  private batches(
    keyList: string[],
    size: number,
    side: 'old' | 'new',
    compare: (redis: CoreContext['redis'], batch: string[], scope: string) => Promise<BatchResult>,
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
      if (item.near_flip) this.report.near_flip = (this.report.near_flip ?? 0) + 1;
      (item.category === 'awaiting_backfill' ? this.awaiting : this.suspects).push(item);
    }
  }

  /** Sends the items noted so far; the pushes land in order, and save() waits for them. */
  private sendItems(): void {
    const { suspects, awaiting } = this;
    this.suspects = [];
    this.awaiting = [];
    const sent = this.pushing.then(async () => {
      await this.push(keys.divergenceSuspects(this.report.id, 0), suspects);
      await this.push(keys.divergenceAwaiting(this.report.id), awaiting);
    });
    sent.catch(() => undefined); // awaited by flush or save, which fail the run
    this.pushing = sent;
  }

  private async flush(): Promise<void> {
    this.sendItems();
    await this.pushing;
  }

  /** Appends to a working list, keeping its length for the checkpoint. */
  private async push(list: string, items: DivergenceItem[]): Promise<void> {
    if (items.length === 0) return;
    await pushItems(this.ctx, list, items);
    this.lengths[list] = (this.lengths[list] ?? 0) + items.length;
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
          this.filter,
        );
        if (final) for (const item of still) this.countWorkspace(item);
        await this.push(target, still);
        this.cp.cursor = String(offset + raw.length);
        this.tick('recheck', 0);
        if (this.cancelled()) return false;
        await this.maybeSave();
      }
      // The round is saved as done before its source goes, so a resume never reads a list that
      // is gone from a cursor past its start.
      this.cp.round = round + 1;
      this.cp.cursor = '0';
      await this.save();
      await this.store.del(source);
      this.lengths[source] = 0;
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

  /**
   * A job moved to another workspace was counted missing in new too; drop that record. The count
   * is read back from the list, so a run interrupted after the rewrite counts it right on resume.
   */
  private async dropMovedFromAwaiting(): Promise<void> {
    if (this.moved.size === 0) return;
    const list = keys.divergenceAwaiting(this.report.id);
    await dropMovedJobs(this.ctx, list, keys.divergenceSuspects(this.report.id, 99), this.moved);
    this.lengths[list] = await this.store.llen(list);
    this.report.counts.awaiting_backfill = this.lengths[list];
  }

  private tick(phase: string, read: number): void {
    this.report.scanned += read;
    this.meter.update(phase, this.report.scanned, this.report.estimated_total);
  }

  private async maybeSave(): Promise<void> {
    if (Date.now() - this.lastSave >= this.opts.checkpointEveryMs) await this.save();
  }

  private async save(): Promise<void> {
    await this.pushing;
    this.lastSave = Date.now();
    this.report.elapsed_s = this.elapsedBefore + (Date.now() - this.startedMs) / 1000;
    this.cp.moved = [...this.moved];
    this.cp.missing_old = [...this.missingOld];
    this.cp.list_lengths = { ...this.lengths };
    await saveReport(this.ctx, this.report);
    await this.store.set(keys.divergenceCheckpoint(this.scope), JSON.stringify(this.cp));
  }

  private async stop(state: 'cancelled'): Promise<DivergenceReport> {
    await this.flush();
    this.report.state = state;
    await this.save();
    return { ...this.report, items: [] };
  }

  /**
   * Marks the report failed but keeps the last checkpoint as it was: what ran since may be half
   * counted (a step whose items were half pushed), and a resume redoes it from there.
   */
  private async fail(): Promise<void> {
    await saveReport(this.ctx, { ...this.report, state: 'failed' });
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
