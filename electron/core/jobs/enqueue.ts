import type { z } from 'zod';
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

/**
 * Most jobs per script call: enough to spread Redis's per-call cost over many jobs, few enough
 * that one call stays well under the 5 ms a call may block Redis (about 2.5 ms measured on a
 * busy 2-core machine, where 125-job calls often went past 5 ms).
 */
export const JOBS_PER_CALL = 64;
/**
 * As soon as this many enqueues are waiting they go out, without waiting for the end of the
 * turn: Redis then runs that call while Node still prepares the turn's other jobs, and with many
 * callers in flight the calls alternate, so both cores stay busy instead of taking turns.
 */
export const SEND_AT = 32;
/** Large params also close a call early: Redis decodes and copies every byte inside the call. */
export const PARAMS_CHARS_PER_CALL = 256 * 1024;

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
  // The jobs' values travel as one JSON argument: ioredis's cost is per argument, not per byte.
  const values: string[] = [];
  for (const job of jobs) {
    const k = job.keys;
    keyList.push(k[0], k[1], k[2], k[3]);
    const a = job.argv;
    values.push(a[0], a[1], a[2], a[3], a[4], a[5]);
  }
  const argv = [
    ctx.config.defaultFlag,
    ctx.config.idempotencyTtlSec,
    ctx.config.metricsRetentionSec,
    new Date(now).toISOString(),
    now,
    JSON.stringify(values),
  ];
  let reply: string[];
  try {
    reply = (await runScript(ctx.redis, scripts.enqueue, keyList, argv)) as string[];
  } catch (error) {
    recordFailures(ctx, jobs, ctx.lastFlag);
    throw error;
  }
  if (reply[0] === 'ERR') {
    recordFailures(ctx, jobs, ctx.lastFlag);
    throw wrongType(String(reply[1]));
  }
  const flag = reply[0] === 'on' ? 'on' : 'off';
  ctx.lastFlag = flag;
  const outcomes = String(reply[1]);
  const results: Result[] = new Array(jobs.length);
  let detail = 2;
  let wrongTyped: PreparedJob[] | undefined;
  for (let i = 0; i < jobs.length; i++) {
    const job = jobs[i]!;
    const outcome = outcomes[i];
    if (outcome === 'e') {
      results[i] = { outcome: 'enqueued', job_id: job.jobId };
      continue;
    }
    const value = String(reply[detail++]);
    if (outcome === 'd') results[i] = { outcome: 'duplicate', job_id: value };
    else if (outcome === 'c') results[i] = conflict(job, value);
    else {
      results[i] = wrongType(value);
      (wrongTyped ??= []).push(job);
    }
  }
  if (wrongTyped) recordFailures(ctx, wrongTyped, flag);
  void ctx.failures.flush(ctx.redis);
  return results;
}

function conflict(job: PreparedJob, key: string): ConflictError {
  return new ConflictError(
    `Job ${job.jobId} already exists (${key}). Pick another job_id, or omit it to have one generated.`,
    {
      job_id: job.jobId,
      key,
    },
  );
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

/**
 * docs/operations.md, "enqueue", step 5: count a failed dual-write attempt when the flag was
 * (last seen) on.
 */
function recordFailures(ctx: CoreContext, jobs: PreparedJob[], flag: FlagValue | null): void {
  if ((flag ?? ctx.config.defaultFlag) !== 'on') return;
  for (const job of jobs) ctx.failures.record(job.workspaceId);
}

/**
 * Gathers the enqueues issued in the same turn of the event loop into few script calls, the way
 * ioredis auto-pipelining gathers commands: Redis's per-call cost is then paid once for many jobs.
 */
export class EnqueueBatcher {
  // Parallel arrays rather than an object per waiting job: this is the per-job hot path.
  private jobs: PreparedJob[] = [];
  private resolvers: Array<(r: Result) => void> = [];
  private rejecters: Array<(e: unknown) => void> = [];
  private paramsChars = 0;
  private scheduled = false;

  constructor(private readonly ctx: CoreContext) {}

  add(job: PreparedJob): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.jobs.push(job);
      this.resolvers.push(resolve);
      this.rejecters.push(reject);
      this.paramsChars += job.argv[4].length;
      if (this.jobs.length >= SEND_AT || this.paramsChars >= PARAMS_CHARS_PER_CALL) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate, not a microtask: replies that arrived in the same poll are handled first,
        // so the callers they release join this batch.
        setImmediate(this.flushScheduled);
      }
    });
  }

  private readonly flushScheduled = (): void => {
    this.scheduled = false;
    if (this.jobs.length) this.flush();
  };

  private flush(): void {
    const { jobs, resolvers, rejecters } = this;
    this.jobs = [];
    this.resolvers = [];
    this.rejecters = [];
    this.paramsChars = 0;
    enqueueChunk(this.ctx, jobs).then(
      (results) => {
        for (let i = 0; i < jobs.length; i++) resolvers[i]!(results[i]!);
      },
      (error) => {
        for (const reject of rejecters) reject(error);
      },
    );
  }
}

/** enqueue: input already validated by the contract schema, batched with concurrent enqueues. */
export async function enqueue(
  ctx: CoreContext,
  batcher: EnqueueBatcher,
  input: z.output<typeof enqueueInput>,
): Promise<EnqueueOutcome> {
  const result = await batcher.add(prepareJob(input, ctx.config.maxJsonBytes));
  if (result instanceof QueuescopeError) throw result;
  return result;
}

/** enqueueMany: every job gets its own outcome; invalid jobs are reported, the others still go in. */
export async function enqueueMany(
  ctx: CoreContext,
  jobs: unknown[],
): Promise<{ results: EnqueueManyItem[] }> {
  const results: EnqueueManyItem[] = new Array(jobs.length);
  const calls: Array<Promise<void>> = [];
  let chunk: PreparedJob[] = [];
  let indexes: number[] = [];
  let paramsChars = 0;
  for (let index = 0; index < jobs.length; index++) {
    try {
      const job = prepareJob(validate(enqueueInput, jobs[index]), ctx.config.maxJsonBytes);
      chunk.push(job);
      indexes.push(index);
      paramsChars += job.argv[4].length;
    } catch (error) {
      results[index] = { outcome: 'error', error: prefixIndex(index, toApiError(error)) };
    }
    if (chunk.length === JOBS_PER_CALL || paramsChars >= PARAMS_CHARS_PER_CALL) {
      // The call goes out now (the enqueue script is not auto-pipelined), so Redis runs it while
      // the next chunk is validated.
      calls.push(settleChunk(ctx, chunk, indexes, results));
      chunk = [];
      indexes = [];
      paramsChars = 0;
    }
  }
  if (chunk.length) calls.push(settleChunk(ctx, chunk, indexes, results));
  await Promise.all(calls);
  return { results };
}

async function settleChunk(
  ctx: CoreContext,
  chunk: PreparedJob[],
  indexes: number[],
  results: EnqueueManyItem[],
): Promise<void> {
  try {
    const outcomes = await enqueueChunk(ctx, chunk);
    for (let j = 0; j < chunk.length; j++) {
      const r = outcomes[j]!;
      results[indexes[j]!] =
        r instanceof QueuescopeError ? { outcome: 'error', error: r.toJSON() } : r;
    }
  } catch (error) {
    const apiError = toApiError(error);
    for (const index of indexes) results[index] = { outcome: 'error', error: apiError };
  }
}

function prefixIndex(index: number, error: ApiError): ApiError {
  return {
    ...error,
    message: `jobs[${index}]: ${error.message}`,
    details: { ...error.details, index },
  };
}
