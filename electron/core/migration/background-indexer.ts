import type { CoreContext } from '../context';
import { keys } from '../keys';
import { IdFilter } from './id-filter';
import { fileJobs, JOB_KEY_PATTERN, jobIdOfKey } from './indexer';

export interface BackgroundIndexerOptions {
  /** Pause between SCAN steps of a pass (ms). */
  stepMs?: number;
  /** Pause after a complete pass before the next one starts (ms). */
  restMs?: number;
  /** SCAN COUNT of one step. */
  scanCount?: number;
  /** Pause after a failed step (Redis down, say) before trying again (ms). */
  retryMs?: number;
  /** The known-ids filter is rebuilt from the indexes after this many passes. */
  rebuildEveryPasses?: number;
}

export interface BackgroundIndexerStatus {
  running: boolean;
  /** Complete passes over the job keys since the indexer started. */
  passes: number;
  /** Jobs filed into an index that were in none. */
  indexed: number;
  /** Job hashes read because the filter did not know their id. */
  jobsRead: number;
  lastError: string | null;
}

const DEFAULTS: Required<BackgroundIndexerOptions> = {
  stepMs: 250,
  restMs: 30_000,
  scanCount: 1000,
  retryMs: 5_000,
  rebuildEveryPasses: 60,
};

/** Ids read per ZRANGE while the filter is built: a few hundred microseconds per call. */
const FILTER_LOAD_SLICE = 2000;

/**
 * Keeps the per-workspace indexes complete while a host runs, so jobs other producers write (not
 * through our enqueue) show up in listings within one pass. It walks the job keys with SCAN,
 * a step every `stepMs` and a rest of `restMs` after each pass, and reads only the jobs whose id a
 * filter of the indexed ids does not know: over an indexed keyspace a pass costs one SCAN per
 * `scanCount` keys and reads no job, so an idle console stays cheap for Redis. The filter is loaded
 * from the indexes when the indexer starts and rebuilt every `rebuildEveryPasses` passes (which
 * also catches the rare id a false positive hid). The cursor is kept in memory: it writes nothing
 * but the index entries it files.
 */
export class BackgroundIndexer {
  private readonly opts: Required<BackgroundIndexerOptions>;
  private stopped = false;
  private wake: (() => void) | null = null;
  private readonly loop: Promise<void>;
  private readonly state: BackgroundIndexerStatus = {
    running: true,
    passes: 0,
    indexed: 0,
    jobsRead: 0,
    lastError: null,
  };

  /** The context it files through, once known. */
  private ctx!: CoreContext;

  /**
   * `context`: the context, or how to get it (the hosts': on a Redis Cluster, one that walks every
   * master, known once the topology is); asked again after a failure until it answers.
   */
  constructor(
    private readonly context: CoreContext | (() => Promise<CoreContext>),
    options: BackgroundIndexerOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...options };
    this.loop = this.run();
  }

  status(): BackgroundIndexerStatus {
    return { ...this.state };
  }

  /** Stops after the step under way; resolves once nothing more will be sent. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.state.running = false;
  }

  private async run(): Promise<void> {
    let filter: IdFilter | null = null;
    let cursor = '0';
    let passesSinceBuild = 0;
    while (!this.stopped) {
      try {
        this.ctx ??= typeof this.context === 'function' ? await this.context() : this.context;
        if (!filter || passesSinceBuild >= this.opts.rebuildEveryPasses) {
          filter = await this.loadFilter();
          passesSinceBuild = 0;
          if (this.stopped) break;
        }
        const [next, found] = await this.ctx.redis.scan(
          cursor,
          'MATCH',
          JOB_KEY_PATTERN,
          'COUNT',
          this.opts.scanCount,
        );
        const unknown = found.filter((key) => {
          const id = jobIdOfKey(key);
          return id !== null && !filter!.has(id);
        });
        if (unknown.length > 0) {
          this.state.jobsRead += unknown.length;
          const filed = await fileJobs(this.ctx, unknown);
          this.state.indexed += filed.indexed;
          for (const id of filed.ids) filter.add(id);
          if (filter.count > filter.capacity) passesSinceBuild = Infinity; // grow at next step
        }
        cursor = next;
        this.state.lastError = null;
        if (cursor === '0') {
          this.state.passes++;
          passesSinceBuild++;
          await this.sleep(this.opts.restMs);
        } else {
          await this.sleep(this.opts.stepMs);
        }
      } catch (error) {
        this.state.lastError = error instanceof Error ? error.message : String(error);
        await this.sleep(this.opts.retryMs);
      }
    }
  }

  /** A filter of every indexed id, sized for twice as many, read in bounded ZRANGE slices. */
  private async loadFilter(): Promise<IdFilter> {
    const workspaces = await this.ctx.redis.smembers(keys.workspaces);
    const sizes = await Promise.all(
      workspaces.map((ws) => this.ctx.redis.zcard(keys.workspaceIndex(ws))),
    );
    const total = sizes.reduce((a, b) => a + b, 0);
    const filter = new IdFilter(Math.max(2 * total, 100_000));
    for (const ws of workspaces) {
      for (let start = 0; !this.stopped; start += FILTER_LOAD_SLICE) {
        const ids = await this.ctx.redis.zrange(
          keys.workspaceIndex(ws),
          String(start),
          String(start + FILTER_LOAD_SLICE - 1),
        );
        for (const id of ids) filter.add(id);
        if (ids.length < FILTER_LOAD_SLICE) break;
      }
    }
    return filter;
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
