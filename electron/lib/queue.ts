import { userInfo } from 'node:os';
import type { Redis } from 'ioredis';
import type {
  EnqueueInput,
  EnqueueManyItem,
  EnqueueOutcome,
  FlagState,
  FlagValue,
  Job,
  JobStatus,
} from '../../shared/contract';
import { QueueCore } from '../core/core';
import type { CallContext } from '../core/context';

export interface QueueOptions {
  /** `redis://` or `rediss://` URL. Default: env `REDIS_URL`, else `redis://127.0.0.1:6379`. */
  url?: string;
  /** An ioredis client you already have; the queue uses it as is and `close()` leaves it open. */
  redis?: Redis;
  username?: string;
  password?: string;
  tls?: boolean;
  /** Fail a command that got no answer after this long, ms (default 5000). */
  commandTimeoutMs?: number;
  /** Refuse every write with `READ_ONLY` before it reaches Redis. */
  readOnly?: boolean;
  /**
   * Who this queue's writes are audited as (`ai:qs:audit`) and who retries are recorded as
   * (`retried_by`). Without it writes are not audited: a service's own enqueues are not an
   * operator's actions.
   */
  actor?: string;
  /** The flag's value while `ai:flags:new_schema` is absent. Default: env `AI_JOBS_NEW_SCHEMA`, else off. */
  newSchemaDefault?: FlagValue;
  /** Largest serialized `params`/`result` accepted, bytes (default 1 MiB). */
  maxJsonBytes?: number;
}

/** A job to enqueue, by the fields it is stored with (docs/architecture.md, "Keys"). */
export interface NewJob {
  workspace_id: string;
  action_provider: string;
  action_name: string;
  /** Who the job acts for (a field of the job; not who is audited). */
  actor_id: string;
  params?: Record<string, unknown>;
  /** Makes the enqueue idempotent for 24 h: the same request id gives the same job. */
  client_request_id?: string;
  /** Default: a new time-sortable id (UUIDv7). */
  job_id?: string;
}

// NewJob spells out the contract's enqueue input, so the package's types need no zod.
type Same<A, B> = [A, B, keyof A, keyof B] extends [B, A, keyof B, keyof A] ? true : never;
const _sameAsContract: Same<NewJob, EnqueueInput> = true;

export interface UpdateStatusOptions {
  /** The job's workspace; required while dual-write is on, and must be the job's own. */
  workspaceId?: string;
  /** Stored with `completed` and `failed`. */
  result?: Record<string, unknown>;
  /** Allow a move the transition rules refuse (an operator's override; audited with `reason`). */
  force?: boolean;
  reason?: string;
}

export interface RetryOptions {
  /** Recorded as `retried_by`. Default: the queue's `actor`, else `lib:<OS user>`. */
  actor?: string;
}

/** Both copies of a job side by side, and the fields whose values differ. */
export interface JobCopies {
  old: Job | null;
  new: Job | null;
  differences: string[];
}

/** The queue core behind each Queue, kept out of its public type. */
const cores = new WeakMap<Queue, QueueCore>();

/** The core a Queue runs on, for the worker and the demo (not part of the package's API). */
export function coreOf(queue: Queue): QueueCore {
  const core = cores.get(queue);
  if (!core) throw new Error('not a Queue');
  return core;
}

/**
 * The AI jobs queue for Node services: enqueue, move a job through its statuses, read it, retry
 * it. Each method is one call of the same core the console and the CLI use (docs/operations.md),
 * so every write is one atomic script and dual-writes to the new schema while the flag is on.
 * Errors are QueuescopeError subclasses with a stable `code`.
 */
export class Queue {
  /** Who writes are audited as; undefined: not audited. */
  readonly actor: string | undefined;

  constructor(options: QueueOptions = {}) {
    cores.set(
      this,
      new QueueCore({
        ...(options.redis
          ? { redis: options.redis }
          : {
              connection: {
                url: options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
                ...pick(options, ['username', 'password', 'tls']),
                ...(options.commandTimeoutMs === undefined
                  ? {}
                  : { commandTimeoutMs: options.commandTimeoutMs }),
              },
            }),
        ...(options.readOnly === undefined ? {} : { readOnly: options.readOnly }),
        ...(options.newSchemaDefault === undefined
          ? {}
          : { defaultFlag: options.newSchemaDefault }),
        ...(options.maxJsonBytes === undefined ? {} : { maxJsonBytes: options.maxJsonBytes }),
      }),
    );
    this.actor = options.actor;
  }

  get readOnly(): boolean {
    return coreOf(this).readOnly;
  }

  /** Adds a job (status `pending`) and pushes its id onto `ai:queue:pending`. */
  enqueue(job: NewJob): Promise<EnqueueOutcome> {
    return coreOf(this).invoke('enqueue', job, this.call());
  }

  /** Up to 1,000 jobs in a few script calls; each gets its own outcome, in order. */
  async enqueueMany(jobs: NewJob[]): Promise<EnqueueManyItem[]> {
    return (await coreOf(this).invoke('enqueueMany', { jobs }, this.call())).results;
  }

  /** Moves a job to `status` in both schemas at once and returns it as written. */
  updateStatus(jobId: string, status: JobStatus, options: UpdateStatusOptions = {}): Promise<Job> {
    return coreOf(this).invoke(
      'updateStatus',
      {
        job_id: jobId,
        status,
        ...(options.workspaceId === undefined ? {} : { workspace_id: options.workspaceId }),
        ...pick(options, ['result', 'force', 'reason']),
      },
      this.call(),
    );
  }

  /** The job, or null: the new copy while dual-write is on and a workspace is given, else the old. */
  async get(jobId: string, workspaceId?: string): Promise<Job | null> {
    const found = await coreOf(this).invoke('getJob', {
      job_id: jobId,
      ...(workspaceId === undefined ? {} : { workspace_id: workspaceId }),
    });
    return found?.job ?? null;
  }

  /** Both copies of a job and the fields that differ. */
  inspect(jobId: string, workspaceId: string): Promise<JobCopies> {
    return coreOf(this).invoke('inspectJob', { job_id: jobId, workspace_id: workspaceId });
  }

  /** Requeues a failed job (`CONFLICT` for any other status, so it is queued once). */
  retry(jobId: string, workspaceId: string, options: RetryOptions = {}): Promise<Job> {
    return coreOf(this).invoke(
      'retry',
      {
        job_id: jobId,
        workspace_id: workspaceId,
        actor_id: options.actor ?? this.actor ?? defaultActor(),
      },
      this.call(),
    );
  }

  /** The dual-write flag and where its value came from. */
  flag(): Promise<FlagState> {
    return coreOf(this).invoke('getFlag', {});
  }

  /** Closes the connection the queue opened (not one passed in as `redis`). */
  close(): Promise<void> {
    return coreOf(this).close();
  }

  private call(): CallContext {
    return this.actor === undefined ? {} : { actor: this.actor };
  }
}

function defaultActor(): string {
  try {
    return `lib:${userInfo().username}`;
  } catch {
    return 'lib';
  }
}

function pick<T extends object, K extends keyof T>(o: T, names: K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    names.flatMap((n) => (o[n] === undefined ? [] : [[n, o[n]]])),
  ) as Partial<Pick<T, K>>;
}
