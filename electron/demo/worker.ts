import type { QueueCore } from '../core/core';
import { JobFailure, runWorker } from '../lib/worker';
import { actionOf, DEMO_WORKSPACES, demoJob, demoOutcome } from './catalog';
import { createRandom } from './random';

export interface DemoWorkerOptions {
  /** New jobs enqueued per second across the workspaces (0: none). Default 2. */
  rate?: number;
  workspaces?: string[];
  /** Jobs running at once. Default: enough to keep up with `rate` (at least 4). */
  concurrency?: number;
  /** Share of jobs that end failed. Default 0.12. */
  failureRate?: number;
  /** How long a job runs, ms. Default 400–2500. */
  durationMs?: [number, number];
  tickMs?: number;
  seed?: number;
  /** Called with each error; the worker keeps going (Redis may come back). */
  onError?: (error: unknown) => void;
}

export interface DemoWorkerStats {
  enqueued: number;
  started: number;
  completed: number;
  failed: number;
  /** Jobs interrupted by stop() and put back on the queue. */
  requeued: number;
  skipped: number;
  errors: number;
}

export interface DemoWorker {
  readonly stats: DemoWorkerStats;
  /** Stops enqueuing, interrupts the running jobs (they go back on the queue), then resolves. */
  stop(): Promise<void>;
}

/**
 * The library's worker (electron/lib/worker.ts) running demo jobs: each takes a while, then
 * completes with a realistic result or fails with a realistic error, while new jobs are enqueued
 * at a steady rate.
 */
export function startDemoWorker(core: QueueCore, options: DemoWorkerOptions = {}): DemoWorker {
  const r = createRandom(options.seed);
  const rate = options.rate ?? 2;
  const workspaces = options.workspaces ?? DEMO_WORKSPACES.slice(0, 4);
  // Jobs last ~1.5 s on average, so this many in flight keeps the queue from growing without bound.
  const concurrency = options.concurrency ?? Math.max(4, Math.ceil(rate * 2.5));
  const failureRate = options.failureRate ?? 0.12;
  const [minMs, maxMs] = options.durationMs ?? [400, 2500];
  const tickMs = options.tickMs ?? 200;
  let enqueued = 0;
  let enqueueErrors = 0;
  const reportError = (error: unknown) => options.onError?.(error);

  const worker = runWorker(
    core,
    async (job, { signal }) => {
      await sleep(r.int(minMs, maxMs), signal);
      const workspace = job.workspace_id ?? '';
      const outcome = demoOutcome(
        r,
        actionOf(job.action_provider, job.action_name),
        workspace,
        r.chance(failureRate),
      );
      if (outcome.status === 'failed') throw new JobFailure('demo failure', outcome.result);
      return outcome.result;
    },
    { concurrency, idleMs: tickMs, onError: reportError },
  );

  // Steady rate: credit accrues with time; a stall never turns into a burst of more than a second.
  let budget = 0;
  let last = Date.now();
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = (async () => {
      const now = Date.now();
      budget = Math.min(budget + (rate * (now - last)) / 1000, Math.max(rate, 1));
      last = now;
      while (budget >= 1 && !stopped) {
        budget--;
        await core.invoke('enqueue', demoJob(r, r.pick(workspaces)).input);
        enqueued++;
      }
    })()
      .catch((error: unknown) => {
        enqueueErrors++;
        reportError(error);
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, tickMs);
      });
  };
  tick();

  return {
    get stats() {
      const s = worker.stats;
      return { ...s, enqueued, errors: s.errors + enqueueErrors };
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await Promise.all([current, worker.stop()]);
    },
  };
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (the job is then put back). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('stopped'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('stopped'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
