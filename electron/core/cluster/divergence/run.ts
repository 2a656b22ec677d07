import type { Cluster } from 'ioredis';
import pLimit from 'p-limit';
import type { DivergenceItem } from '../../../../shared/contract';
import type { CallContext, CoreContext } from '../../context';
import { IDEMPOTENCY_PREFIX, keys, NEW_JOB_PREFIX, OLD_JOB_PREFIX } from '../../keys';
import type { FlagTimeline } from '../../migration/classify';
import type { CheckOptions, Checkpoint } from '../../migration/check-state';
import {
  DivergenceRunBase,
  type QueuePage,
  type StepFindings,
} from '../../migration/divergence-run-base';
import type { Recheck } from '../../migration/recheck';
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

/**
 * One divergence check on a Redis Cluster (docs/topologies.md "Divergence check on a cluster"):
 * the phases, counts, re-check and checkpoint of every check (divergence-run-base.ts), over a walk
 * by hash slot whose position is saved with the counts, each job's copies read key by key.
 */
export class ClusterDivergenceRun extends DivergenceRunBase {
  private readonly limit: Limit;
  private readonly cluster: Cluster;

  constructor(
    ctx: CoreContext,
    cp: Checkpoint,
    flag: FlagTimeline,
    call: CallContext,
    private readonly clusterOpts: ClusterCheckOptions,
  ) {
    super(ctx, cp, flag, call, clusterOpts, RECHECK_BATCH);
    this.cluster = ctx.redis as unknown as Cluster;
    this.limit = pLimit(Math.max(1, clusterOpts.inFlight * JOBS_PER_CALL));
  }

  /**
   * The slot walk (keyspace-walk.ts) serves both directions and the idempotency keys. A step's
   * findings are counted, and its items pushed, before its position is saved with the counts, so a
   * resumed walk counts every key once.
   */
  protected scan(): Promise<boolean> {
    const phase = this.filter ? `scan all keys for ${this.filter}` : 'scan';
    const walker = new KeyspaceWalker(this.cluster, { ...this.clusterOpts.walk, prefix: 'ai:' });
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

  protected queuePage(offset: number): Promise<QueuePage> {
    return queueOrphans(this.cluster, offset, this.limit);
  }

  /** Suspects are read again key by key, as the walk read them. */
  protected readAgain(batch: DivergenceItem[]): Promise<Recheck[]> {
    return recheckOnCluster(this.cluster, batch, this.flag, this.filter, this.limit);
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
}
