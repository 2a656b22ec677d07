import type {
  ApiError,
  EnqueueManyItem,
  EnqueueOutcome,
  FlagValue,
} from '../../../shared/contract';
import { enqueueInput } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { ConflictError, InternalError, QueuescopeError } from '../errors';
import { toApiError } from '../error-mapping';
import { keys, minuteOf } from '../keys';
import { orderKeys, runScript, scripts } from '../scripts';
import { validate } from '../validate';
import { prepareJob, type PreparedJob } from './prepare-job';

/** Jobs per script call: large enough to amortise the call, small enough to keep each call ~1 ms. */
export const JOBS_PER_CALL = 256;

type Result = EnqueueOutcome | QueuescopeError;

/** Runs one enqueue script call for up to JOBS_PER_CALL jobs; per-job failures come back as errors. */
export async function enqueueChunk(ctx: CoreContext, jobs: PreparedJob[]): Promise<Result[]> {
  const now = Date.now();
  const keyList = orderKeys(scripts.enqueue, {
    queue: keys.queue,
    flag: keys.flag,
    metricsBucket: keys.metricsBucket(minuteOf(now)),
    metricsTotal: keys.metricsTotal,
    workspaces: keys.workspaces,
  });
  const argv: Array<string | number> = [
    ctx.config.defaultFlag,
    ctx.config.idempotencyTtlSec,
    ctx.config.metricsRetentionSec,
  ];
  for (const job of jobs) {
    keyList.push(...job.keys);
    argv.push(...job.argv);
  }
  let reply: unknown[];
  try {
    reply = (await runScript(ctx.redis, scripts.enqueue, keyList, argv)) as unknown[];
  } catch (error) {
    recordFailures(ctx, jobs, ctx.lastFlag);
    throw error;
  }
  if (reply[0] === 'ERR') {
    recordFailures(ctx, jobs, ctx.lastFlag);
    throw wrongType(String(reply[2]));
  }
  const flag = reply[0] === 'on' ? 'on' : 'off';
  ctx.lastFlag = flag;
  const results = jobs.map((job, i) =>
    decodeOutcome(job, Number(reply[1 + 2 * i]), String(reply[2 + 2 * i])),
  );
  const wrongTyped = jobs.filter((_, i) => Number(reply[1 + 2 * i]) === -2);
  if (wrongTyped.length) recordFailures(ctx, wrongTyped, flag);
  void ctx.failures.flush(ctx.redis);
  return results;
}

function decodeOutcome(job: PreparedJob, code: number, value: string): Result {
  switch (code) {
    case 1:
      return { outcome: 'enqueued', job_id: value };
    case 2:
      return { outcome: 'duplicate', job_id: value };
    case -1:
      return new ConflictError(
        `Job ${job.jobId} already exists (${value}). Pick another job_id, or omit it to have one generated.`,
        {
          job_id: job.jobId,
          key: value,
        },
      );
    default:
      return wrongType(value);
  }
}

function wrongType(key: string): InternalError {
  return new InternalError(
    `Redis key ${key} holds another type than Queuescope expects (WRONGTYPE); nothing was written. Inspect or remove that key, then retry.`,
    {
      key,
      redis_error: 'WRONGTYPE',
    },
  );
}

/** SPEC 3 enqueue step 5: count a failed dual-write attempt when the flag was (last seen) on. */
function recordFailures(ctx: CoreContext, jobs: PreparedJob[], flag: FlagValue | null): void {
  if ((flag ?? ctx.config.defaultFlag) !== 'on') return;
  for (const job of jobs) ctx.failures.record(job.workspaceId);
}

/**
 * Gathers the enqueues issued in the same turn of the event loop into one script call, the way
 * ioredis auto-pipelining gathers commands: Redis's per-call cost is then paid once for many jobs.
 */
export class EnqueueBatcher {
  private queue: Array<{
    job: PreparedJob;
    resolve: (r: Result) => void;
    reject: (e: unknown) => void;
  }> = [];
  private scheduled = false;

  constructor(private readonly ctx: CoreContext) {}

  add(job: PreparedJob): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const waiting = this.queue;
    this.queue = [];
    for (let i = 0; i < waiting.length; i += JOBS_PER_CALL) {
      const chunk = waiting.slice(i, i + JOBS_PER_CALL);
      enqueueChunk(
        this.ctx,
        chunk.map((w) => w.job),
      ).then(
        (results) => chunk.forEach((w, j) => w.resolve(results[j]!)),
        (error) => chunk.forEach((w) => w.reject(error)),
      );
    }
  }
}

/** enqueue: validated, then batched with whatever else is being enqueued right now. */
export async function enqueue(
  ctx: CoreContext,
  batcher: EnqueueBatcher,
  input: unknown,
): Promise<EnqueueOutcome> {
  const job = prepareJob(validate(enqueueInput, input), ctx.config.maxJsonBytes);
  const result = await batcher.add(job);
  if (result instanceof QueuescopeError) throw result;
  return result;
}

/** enqueueMany: every job gets its own outcome; invalid jobs are reported, the others still go in. */
export async function enqueueMany(
  ctx: CoreContext,
  jobs: unknown[],
): Promise<{ results: EnqueueManyItem[] }> {
  const results: EnqueueManyItem[] = new Array(jobs.length);
  const prepared: Array<{ index: number; job: PreparedJob }> = [];
  jobs.forEach((raw, index) => {
    try {
      prepared.push({
        index,
        job: prepareJob(validate(enqueueInput, raw), ctx.config.maxJsonBytes),
      });
    } catch (error) {
      results[index] = { outcome: 'error', error: prefixIndex(index, toApiError(error)) };
    }
  });
  for (let i = 0; i < prepared.length; i += JOBS_PER_CALL) {
    const chunk = prepared.slice(i, i + JOBS_PER_CALL);
    try {
      const outcomes = await enqueueChunk(
        ctx,
        chunk.map((p) => p.job),
      );
      chunk.forEach((p, j) => {
        const r = outcomes[j]!;
        results[p.index] =
          r instanceof QueuescopeError ? { outcome: 'error', error: r.toJSON() } : r;
      });
    } catch (error) {
      const apiError = toApiError(error);
      chunk.forEach((p) => (results[p.index] = { outcome: 'error', error: apiError }));
    }
  }
  return { results };
}

function prefixIndex(index: number, error: ApiError): ApiError {
  return {
    ...error,
    message: `jobs[${index}]: ${error.message}`,
    details: { ...error.details, index },
  };
}
