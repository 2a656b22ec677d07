import { setMaxListeners } from 'node:events';
import type { Job, JobStatus } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import { toQueuescopeError } from '../core/error-mapping';
import { QueuescopeError } from '../core/errors';
import { keys } from '../core/keys';
import { coreOf, type Queue } from './queue';

export interface JobContext {
  /** Aborted when the worker is stopped: a handler that gives up then has its job put back. */
  signal: AbortSignal;
}

/**
 * Runs one job. What it returns (a JSON object, or nothing) is stored as the job's `result` with
 * status `completed`; what it throws marks the job `failed`, with `JobFailure.result` or
 * `{ error: message }` as its result.
 */
export type JobHandler = (
  job: Job,
  context: JobContext,
) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

/** Thrown by a handler to fail its job with a result of its choosing. */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly result?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}

export interface WorkerOptions {
  /** Jobs run at once (default 1). */
  concurrency?: number;
  /** How long to wait before looking again when the queue is empty, ms (default 500). */
  idleMs?: number;
  /** Each error the worker could not hand to a job (Redis down, a status it could not write). */
  onError?: (error: unknown, jobId: string | null) => void;
}

export interface WorkerStats {
  /** Jobs moved to running and handed to the handler. */
  started: number;
  completed: number;
  failed: number;
  /** Jobs interrupted by stop() and put back on the queue as pending. */
  requeued: number;
  /** Queue entries not run: the job is gone, or not pending any more (another worker has it). */
  skipped: number;
  errors: number;
}

export interface Worker {
  readonly stats: Readonly<WorkerStats>;
  /** Jobs being run now. */
  readonly running: number;
  /** Takes no new job, aborts the handlers' signal, and resolves once every running job is settled. */
  stop(): Promise<void>;
}

/**
 * A worker as the platform runs them: pops ids from `ai:queue:pending` (from the left), moves each
 * job to `running`, runs the handler, and reports `completed` or `failed` with its result, each
 * through the core's updateStatus (both schemas in one script; docs/operations.md, "updateStatus").
 */
export function startWorker(queue: Queue, handler: JobHandler, options?: WorkerOptions): Worker {
  return runWorker(coreOf(queue), handler, options);
}

/** startWorker over a core the caller already has (the demo). */
export function runWorker(
  core: QueueCore,
  handler: JobHandler,
  options: WorkerOptions = {},
): Worker {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
  const idleMs = options.idleMs ?? 500;
  const stats: WorkerStats = {
    started: 0,
    completed: 0,
    failed: 0,
    requeued: 0,
    skipped: 0,
    errors: 0,
  };
  const stopper = new AbortController();
  // Each running handler may listen for the stop, plus the idle wait.
  setMaxListeners(concurrency + 10, stopper.signal);
  const inFlight = new Set<Promise<void>>();
  const report = (error: unknown, jobId: string | null) => {
    stats.errors++;
    options.onError?.(error, jobId);
  };
  const setStatus = (jobId: string, status: JobStatus, workspace?: string, result?: object) =>
    core.invoke('updateStatus', {
      job_id: jobId,
      status,
      ...(workspace === undefined ? {} : { workspace_id: workspace }),
      ...(result === undefined ? {} : { result }),
    });

  const readJob = (jobId: string) => core.invoke('getJob', { job_id: jobId });
  const count = (outcome: Outcome) =>
    stats[outcome.status === 'pending' ? 'requeued' : outcome.status]++;

  /** Puts a popped entry back at the head of the queue, where it was. */
  async function giveBack(jobId: string): Promise<void> {
    await (
      await core.keyClient()
    )
      .lpush(keys.queue, jobId)
      .catch((error: unknown) => report(toQueuescopeError(error), jobId));
  }

  async function take(jobId: string): Promise<void> {
    let found: Awaited<ReturnType<typeof readJob>>;
    try {
      found = await readJob(jobId);
    } catch (error) {
      report(error, jobId);
      return giveBack(jobId);
    }
    if (!found) {
      stats.skipped++; // A queue entry whose job is gone: nothing to run.
      return;
    }
    const workspace = found.job.workspace_id;
    if (stopper.signal.aborted) return giveBack(jobId); // Stopped between the pop and the start.
    let job: Job;
    try {
      job = await setStatus(jobId, 'running', workspace);
    } catch (error) {
      stats.skipped++;
      // Not pending any more, or gone: an operator or another worker has it. Anything else is news.
      if (!hasCode(error, 'CONFLICT', 'NOT_FOUND')) report(error, jobId);
      return;
    }
    stats.started++;
    const outcome = await runHandler(job);
    await finish(jobId, workspace, outcome);
  }

  async function runHandler(job: Job): Promise<Outcome> {
    try {
      const value = await handler(job, { signal: stopper.signal });
      if (value === undefined) return { status: 'completed' };
      if (isObject(value)) return { status: 'completed', result: value };
      return failedWith(`the handler returned ${describe(value)}, not a JSON object`);
    } catch (error) {
      if (error instanceof JobFailure) return failedWith(error.message, error.result);
      if (stopper.signal.aborted) return { status: 'pending' };
      return failedWith(error instanceof Error ? error.message : String(error));
    }
  }

  /** Writes the job's last status, trying again while Redis is unreachable. */
  async function finish(jobId: string, workspace: string | undefined, outcome: Outcome) {
    for (let attempt = 0; ; attempt++) {
      try {
        await setStatus(jobId, outcome.status, workspace, outcome.result);
        return void count(outcome);
      } catch (error) {
        if (outcome.status === 'completed' && hasCode(error, 'VALIDATION')) {
          // The result itself was refused (too large, say): the job failed, and says why.
          outcome = failedWith(`result refused: ${(error as Error).message}`);
          continue;
        }
        // A write whose reply was lost may have gone in: then the job already has its status.
        if (attempt > 0 && hasCode(error, 'CONFLICT') && (await statusOf(jobId)) === outcome.status)
          return void count(outcome);
        if (!hasCode(error, 'REDIS_UNAVAILABLE') || attempt >= 4) return report(error, jobId);
        await pause(250 * 2 ** attempt, null);
      }
    }
  }

  async function statusOf(jobId: string): Promise<string | null> {
    return (await readJob(jobId))?.job.status ?? null;
  }

  async function loop(): Promise<void> {
    while (!stopper.signal.aborted) {
      if (inFlight.size >= concurrency) {
        await Promise.race(inFlight);
        continue;
      }
      let jobId: string | null;
      try {
        // The queue's master on a cluster (docs/topologies.md "Redis Cluster").
        jobId = await (await core.keyClient()).lpop(keys.queue);
      } catch (error) {
        report(toQueuescopeError(error), null);
        await pause(idleMs, stopper.signal);
        continue;
      }
      if (jobId === null) {
        await pause(idleMs, stopper.signal);
        continue;
      }
      const id = jobId;
      const task: Promise<void> = take(id)
        .catch((error: unknown) => report(error, id))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
    await Promise.all(inFlight);
  }

  const done = loop();
  return {
    stats,
    get running() {
      return inFlight.size;
    },
    async stop() {
      stopper.abort();
      await done;
    },
  };
}

type Outcome = { status: 'completed' | 'failed' | 'pending'; result?: Record<string, unknown> };

function failedWith(message: string, result?: Record<string, unknown>): Outcome {
  return { status: 'failed', result: result ?? { error: message } };
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof QueuescopeError && codes.includes(error.code);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal | null): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
