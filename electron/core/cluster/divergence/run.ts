import type { Cluster } from 'ioredis';
import pLimit from 'p-limit';
import type { DivergenceItem, DivergenceReport } from '../../../../shared/contract';
import type { CallContext, CoreContext } from '../../context';
import { IDEMPOTENCY_PREFIX, keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../../keys';
import { classify, isMovedCopy, type FlagTimeline } from '../../migration/classify';
import type { BatchResult, Finding } from '../../migration/compare-batch';
import {
  PHASES_ALL,
  PHASES_WORKSPACE,
  type CheckOptions,
  type Checkpoint,
  type Phase,
} from '../../migration/check-state';
import { checkStore, type CheckStore } from '../../migration/check-store';
import { dropMovedJobs } from '../../migration/moved-copies';
import { ProgressMeter } from '../../migration/progress';
import { settleSuspects } from '../../migration/recheck';
import { pushItems, readReport, saveReport } from '../../migration/report-store';
import { streamSteps } from '../../migration/step-stream';
import { KeyspaceWalker, type WalkOptions } from '../keyspace-walk';
import { compareNewKeys, compareOldKeys, type Limit } from './compare';
import { idempotencyOrphans, queueOrphans } from './orphans';
import { recheckOnCluster } from './recheck';

/** The check's options on a cluster: those of one server, and how the slot walk steps. */
export interface ClusterCheckOptions extends CheckOptions {
  walk?: Partial<WalkOptions>;
}

/** Walk steps read ahead of the one being compared. */
const STEPS_AHEAD = 2;
/** Jobs compared at once per compare call the standalone check keeps in flight. */
const JOBS_PER_CALL = 16;
/** Suspects re-read per batch of a re-check round. */
const RECHECK_BATCH = 100;

interface StepFindings {
  results: Array<BatchResult & { side: 'old' | 'new' }>;
  orphans: DivergenceItem[];
}

/**
 * One divergence check on a Redis Cluster (docs/topologies.md "Divergence check on a cluster"):
 * the phases, counts, re-check and checkpoint of the check on one server (divergence-run.ts), over
 * a walk by hash slot whose position is saved with the counts, each job's copies read key by key.
 */
export class ClusterDivergenceRun {
  private readonly moved: Set<string>;
  private readonly missingOld: Set<string>;
  private suspects: DivergenceItem[] = [];
  private awaiting: DivergenceItem[] = [];
  private lastSave = Date.now();
  private lastSuspectAt = 0;
  private readonly lengths: Record<string, number>;
  private readonly meter: ProgressMeter;
  private readonly startedMs = Date.now();
  private readonly elapsedBefore: number;
  private readonly limit: Limit;
  private readonly store: CheckStore;
  private readonly cluster: Cluster;

  constructor(
    private readonly ctx: CoreContext,
    private readonly cp: Checkpoint,
    private readonly flag: FlagTimeline,
    private readonly call: CallContext,
    private readonly opts: ClusterCheckOptions,
  ) {
    this.cluster = ctx.redis as unknown as Cluster;
    this.moved = new Set(cp.moved);
    this.missingOld = new Set(cp.missing_old ?? []);
    this.lengths = { ...cp.list_lengths };
    this.elapsedBefore = cp.report.elapsed_s ?? 0;
    this.meter = new ProgressMeter(call, cp.report.scanned);
    this.limit = pLimit(Math.max(1, opts.inFlight * JOBS_PER_CALL));
    this.store = checkStore(ctx);
  }

  private get report() {
    return this.cp.report;
  }

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
        if (!done) return await this.stop();
        this.cp.phase = this.phases[this.phases.indexOf(this.cp.phase) + 1] ?? 'finish';
        this.cp.cursor = '0';
        await this.save();
      }
      return await this.finish();
    } catch (error) {
      await saveReport(this.ctx, { ...this.report, state: 'failed' }).catch(() => undefined);
      throw error;
    }
  }

  private runPhase(phase: Phase): Promise<boolean> {
    switch (phase) {
      case 'scan':
        return this.walkSlots();
      case 'queue':
        return this.queueLoop();
      case 'recheck':
        return this.recheckRounds();
      case 'finish':
        return Promise.resolve(true);
    }
  }

  private cancelled(): boolean {
    return this.call.signal?.aborted === true;
  }

  /**
   * The slot walk (keyspace-walk.ts) serves both directions and the idempotency keys. A step's
   * findings are counted, and its items pushed, before its position is saved with the counts, so a
   * resumed walk counts every key once.
   */
  private walkSlots(): Promise<boolean> {
    const phase = this.filter ? `scan all keys for ${this.filter}` : 'scan';
    const walker = new KeyspaceWalker(this.cluster, { ...this.opts.walk, prefix: 'ai:' });
    return streamSteps<StepFindings>({
      cursor: this.cp.cursor,
      read: async (cursor) => {
        const batch = await walker.read(Number(cursor));
        const found = batch.slots.flatMap((slot) => slot.keys);
        return { next: String(batch.next), found, last: batch.last };
      },
      process: (found) => this.compareKeys(found),
      done: async (next, read, findings, stopping) => {
        this.count(findings);
        await this.flush();
        this.cp.cursor = next;
        this.tick(phase, read);
        if (!stopping) await this.maybeSave();
      },
      cancelled: () => this.cancelled(),
      ahead: STEPS_AHEAD,
    });
  }

  private async compareKeys(found: string[]): Promise<StepFindings> {
    const oldKeys = found.filter((k) => k.startsWith(OLD_JOB_PREFIX));
    const newKeys = found.filter((k) => k.startsWith(NEW_JOB_PREFIX));
    const idemPrefix = this.filter ? keys.idempotency(this.filter, '') : IDEMPOTENCY_PREFIX;
    const idemKeys = found.filter((k) => k.startsWith(idemPrefix));
    const [old, copies, orphans] = await Promise.all([
      compareOldKeys(this.cluster, oldKeys, this.filter, this.limit),
      compareNewKeys(this.cluster, newKeys, this.filter, this.limit),
      idempotencyOrphans(this.cluster, idemKeys, this.limit),
    ]);
    return {
      results: [
        { side: 'old', ...old },
        { side: 'new', ...copies },
      ],
      orphans,
    };
  }

  /** Counts a passed step's findings into the report, as divergence-run.ts does. */
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

  private async queueLoop(): Promise<boolean> {
    for (;;) {
      const page = await queueOrphans(this.cluster, Number(this.cp.cursor), this.limit);
      if (!page) return true;
      this.note(page.items.filter((item) => !this.missingOld.has(item.job_id)));
      await this.flush();
      this.cp.cursor = String(Number(this.cp.cursor) + page.read);
      this.tick('queue', page.read);
      if (this.cancelled()) return false;
      await this.maybeSave();
    }
  }

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

  private async flush(): Promise<void> {
    const { suspects, awaiting } = this;
    this.suspects = [];
    this.awaiting = [];
    await this.push(keys.divergenceSuspects(this.report.id, 0), suspects);
    await this.push(keys.divergenceAwaiting(this.report.id), awaiting);
  }

  private async push(list: string, items: DivergenceItem[]): Promise<void> {
    if (items.length === 0) return;
    await pushItems(this.ctx, list, items);
    this.lengths[list] = (this.lengths[list] ?? 0) + items.length;
  }

  /** Re-reads the suspects in rounds, key by key; only those divergent every time are reported. */
  private async recheckRounds(): Promise<boolean> {
    const rounds = this.opts.recheckRounds;
    this.report.recheck_rounds = rounds;
    const readAgain = (batch: DivergenceItem[]) =>
      recheckOnCluster(this.cluster, batch, this.flag, this.filter, this.limit);
    for (let round = Math.max(1, this.cp.round); round <= Math.max(1, rounds); round++) {
      this.cp.round = round;
      const source = keys.divergenceSuspects(this.report.id, round - 1);
      const final = round >= rounds;
      const target = final
        ? keys.divergenceItems(this.report.id)
        : keys.divergenceSuspects(this.report.id, round);
      this.tick('recheck', 0);
      if (round > 1 || Number(this.cp.cursor) === 0) await this.pause(round);
      for (let offset = Number(this.cp.cursor); ; offset += RECHECK_BATCH) {
        const raw = await this.store.lrange(source, offset, offset + RECHECK_BATCH - 1);
        if (raw.length === 0) break;
        const still = await settleSuspects(
          this.ctx,
          raw.map((t) => JSON.parse(t) as DivergenceItem),
          this.flag,
          this.moved,
          this.report,
          rounds > 0,
          this.filter,
          readAgain,
        );
        if (final) for (const item of still) this.countWorkspace(item);
        await this.push(target, still);
        this.cp.cursor = String(offset + raw.length);
        this.tick('recheck', 0);
        if (this.cancelled()) return false;
        await this.maybeSave();
      }
      this.cp.round = round + 1;
      this.cp.cursor = '0';
      await this.save();
      await this.store.del(source);
      this.lengths[source] = 0;
    }
    await this.dropMovedFromAwaiting();
    return true;
  }

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
    this.lastSave = Date.now();
    this.report.elapsed_s = this.elapsedBefore + (Date.now() - this.startedMs) / 1000;
    this.cp.moved = [...this.moved];
    this.cp.missing_old = [...this.missingOld];
    this.cp.list_lengths = { ...this.lengths };
    await saveReport(this.ctx, this.report);
    await this.store.set(
      keys.divergenceCheckpoint(this.report.workspace_id ?? '*'),
      JSON.stringify(this.cp),
    );
  }

  private async stop(): Promise<DivergenceReport> {
    await this.flush();
    this.report.state = 'cancelled';
    await this.save();
    return { ...this.report, items: [] };
  }

  private async finish(): Promise<DivergenceReport> {
    this.report.state = 'completed';
    this.report.finished_at = new Date().toISOString();
    this.report.elapsed_s = this.elapsedBefore + (Date.now() - this.startedMs) / 1000;
    await saveReport(this.ctx, this.report);
    await this.store.del(keys.divergenceCheckpoint(this.report.workspace_id ?? '*'));
    this.meter.update('done', this.report.scanned, this.report.scanned);
    return (await readReport(this.ctx, this.report.id)) ?? this.report;
  }
}
