import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import type { CallContext, CoreContext } from '../context';
import { keys } from '../keys';
import { classify, isMovedCopy, type FlagTimeline } from './classify';
import type { BatchResult, Finding } from './compare-batch';
import { dropMovedJobs } from './moved-copies';
import { settleSuspects, type Recheck } from './recheck';
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
import { BoundedKeySet } from './bounded-key-set';

/** What the compare calls of one walk step found; counted only once the cursor passes the step. */
export interface StepFindings {
  results: Array<BatchResult & { side: 'old' | 'new' }>;
  orphans: DivergenceItem[];
}

/** A page of the queue read for orphan entries; null once the queue is read to its end. */
export type QueuePage = { read: number; items: DivergenceItem[] } | null;

/**
 * The phases of one divergence check run, the same on one server and on a cluster: counts,
 * working lists, re-check rounds and the checkpoint (check-store). How the keyspace is walked,
 * how the queue is paged and how suspects are read again are the topology's own.
 */
export abstract class DivergenceRunBase {
  protected readonly moved: Set<string>;
  /** Jobs found missing in old: their queue entries are not reported again as orphans. */
  protected readonly missingOld: Set<string>;
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
  /** Reports, checkpoint and working lists: Redis, or this process on a read-only connection. */
  private readonly store: CheckStore;
  /**
   * Jobs this run listed as awaiting backfill. Complete (every job on the list is in it) unless the
   * run resumed a list begun before it or the set filled up; then the list is read to know.
   */
  private readonly awaitingJobs = new BoundedKeySet();
  private awaitingJobsComplete: boolean;

  constructor(
    protected readonly ctx: CoreContext,
    protected readonly cp: Checkpoint,
    protected readonly flag: FlagTimeline,
    private readonly call: CallContext,
    protected readonly opts: CheckOptions,
    /** Suspects read from a working list per batch of a re-check round. */
    private readonly recheckBatch: number,
  ) {
    this.moved = new Set(cp.moved);
    this.missingOld = new Set(cp.missing_old ?? []);
    this.lengths = { ...cp.list_lengths };
    this.elapsedBefore = cp.report.elapsed_s ?? 0;
    this.meter = new ProgressMeter(call, cp.report.scanned);
    this.store = checkStore(ctx);
    this.awaitingJobsComplete = !this.lengths[keys.divergenceAwaiting(cp.report.id)];
  }

  /** The walk of the keyspace (phase 'scan'); false when cancelled midway (the cursor is saved). */
  protected abstract scan(): Promise<boolean>;

  /** A page of the queue's orphan entries from `offset`. */
  protected abstract queuePage(offset: number): Promise<QueuePage>;

  /** Reads a batch of suspects again, as the walk first read them. */
  protected abstract readAgain(batch: DivergenceItem[]): Promise<Recheck[]>;

  protected get report() {
    return this.cp.report;
  }

  private get scope(): string {
    return this.report.workspace_id ?? '*';
  }

  /** The workspace the compare scripts keep to ('' = every job). */
  protected get filter(): string {
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
        return this.scan();
      case 'queue':
        return this.queueLoop();
      case 'recheck':
        return this.recheckRounds();
      case 'finish':
        return true;
    }
  }

  protected cancelled(): boolean {
    return this.call.signal?.aborted === true;
  }

  private async queueLoop(): Promise<boolean> {
    for (;;) {
      const page = await this.queuePage(Number(this.cp.cursor));
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

  /** Counts a passed step's findings into the report. */
  protected count({ results, orphans }: StepFindings): void {
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
      if (item.category === 'awaiting_backfill' && !this.awaitingJobs.add(item.job_id))
        this.awaitingJobsComplete = false;
      (item.category === 'awaiting_backfill' ? this.awaiting : this.suspects).push(item);
    }
  }

  /** Sends the items noted so far; the pushes land in order, and save() waits for them. */
  protected sendItems(): void {
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

  /** Sends the items noted so far and waits until every push has landed. */
  protected async flush(): Promise<void> {
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
    const size = this.recheckBatch;
    for (let round = Math.max(1, this.cp.round); round <= Math.max(1, rounds); round++) {
      this.cp.round = round;
      const source = keys.divergenceSuspects(this.report.id, round - 1);
      const final = round >= rounds;
      const target = final
        ? keys.divergenceItems(this.report.id)
        : keys.divergenceSuspects(this.report.id, round);
      this.tick('recheck', 0);
      if (round > 1 || Number(this.cp.cursor) === 0) await this.pause(round);
      // Several batches are read again at once: one at a time, a round waited on a round trip per
      // batch and left Redis idle for most of it.
      const span = size * this.opts.inFlight;
      for (let offset = Number(this.cp.cursor); ; offset += span) {
        const raw = await this.store.lrange(source, offset, offset + span - 1);
        if (raw.length === 0) break;
        const items = raw.map((t) => JSON.parse(t) as DivergenceItem);
        const batches: DivergenceItem[][] = [];
        for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
        const settled = await Promise.all(
          batches.map((batch) =>
            settleSuspects(
              this.ctx,
              batch,
              this.flag,
              this.moved,
              this.report,
              rounds > 0,
              this.filter,
              (again) => this.readAgain(again),
            ),
          ),
        );
        const still = settled.flat();
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
    // The list is rewritten only if a moved job may be on it: at a million jobs it holds tens of
    // thousands of records, and a moved job is mostly reported missing in new, not awaiting.
    if (this.awaitingJobsComplete && ![...this.moved].some((id) => this.awaitingJobs.has(id)))
      return;
    const list = keys.divergenceAwaiting(this.report.id);
    await dropMovedJobs(this.ctx, list, keys.divergenceSuspects(this.report.id, 99), this.moved);
    this.lengths[list] = await this.store.llen(list);
    this.report.counts.awaiting_backfill = this.lengths[list];
  }

  protected tick(phase: string, read: number): void {
    this.report.scanned += read;
    this.meter.update(phase, this.report.scanned, this.report.estimated_total);
  }

  protected async maybeSave(): Promise<void> {
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
