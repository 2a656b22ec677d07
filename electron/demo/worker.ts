import type { QueueCore } from '../core/core';
import { QueuescopeError } from '../core/errors';
import { keys } from '../core/keys';
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
  skipped: number;
  errors: number;
}

export interface DemoWorker {
  readonly stats: DemoWorkerStats;
  /** Stops after the current step; jobs still running stay running, like a stopped worker's. */
  stop(): Promise<void>;
}

interface Running {
  workspace: string;
  provider: string | null;
  name: string | null;
  finishAt: number;
}

/**
 * A worker as the platform runs them: pops ids from ai:queue:pending, moves each through running to
 * completed or failed with the core's updateStatus, while enqueueing new jobs at a steady rate.
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
  const stats: DemoWorkerStats = {
    enqueued: 0,
    started: 0,
    completed: 0,
    failed: 0,
    skipped: 0,
    errors: 0,
  };
  const running = new Map<string, Running>();
  let stopped = false;
  let budget = 0;
  let last = Date.now();
  let timer: NodeJS.Timeout | null = null;

  const report = (error: unknown) => {
    stats.errors++;
    options.onError?.(error);
  };

  async function enqueueDue(now: number) {
    // Steady rate: credit accrues with time; a stall never turns into a burst of more than a second.
    budget = Math.min(budget + (rate * (now - last)) / 1000, Math.max(rate, 1));
    last = now;
    while (budget >= 1 && !stopped) {
      budget--;
      await core.invoke('enqueue', demoJob(r, r.pick(workspaces)).input);
      stats.enqueued++;
    }
  }

  async function finishDue(now: number) {
    for (const [jobId, job] of running) {
      if (job.finishAt > now) continue;
      running.delete(jobId);
      const outcome = demoOutcome(
        r,
        actionOf(job.provider, job.name),
        job.workspace,
        r.chance(failureRate),
      );
      await core.invoke('updateStatus', {
        job_id: jobId,
        workspace_id: job.workspace,
        status: outcome.status,
        result: outcome.result,
      });
      stats[outcome.status]++;
    }
  }

  async function startMore(now: number) {
    while (running.size < concurrency && !stopped) {
      const jobId = await core.redis.lpop(keys.queue);
      if (jobId === null) return;
      const [workspace, provider, name] = await core.redis.hmget(
        keys.oldJob(jobId),
        'workspace_id',
        'action_provider',
        'action_name',
      );
      if (!workspace) {
        stats.skipped++; // A queue entry whose job is gone: nothing to run.
        continue;
      }
      try {
        await core.invoke('updateStatus', {
          job_id: jobId,
          workspace_id: workspace,
          status: 'running',
        });
      } catch (error) {
        stats.skipped++;
        // Not pending any more, or gone: an operator or another worker has it. Anything else is news.
        if (!(
          error instanceof QueuescopeError &&
          (error.code === 'CONFLICT' || error.code === 'NOT_FOUND')
        ))
          report(error);
        continue;
      }
      stats.started++;
      running.set(jobId, {
        workspace,
        provider: provider ?? null,
        name: name ?? null,
        finishAt: now + r.int(minMs, maxMs),
      });
    }
  }

  let current: Promise<void> = Promise.resolve();
  const tick = () => {
    current = (async () => {
      const now = Date.now();
      for (const step of [enqueueDue, finishDue, startMore]) {
        if (stopped) return;
        await step(now).catch(report);
      }
    })().finally(() => {
      if (!stopped) timer = setTimeout(tick, tickMs);
    });
  };
  tick();

  return {
    stats,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await current;
    },
  };
}
