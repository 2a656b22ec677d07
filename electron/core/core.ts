import type { Redis } from 'ioredis';
import type {
  ApiError,
  Contract,
  CoreOperationName,
  Job,
  OperationName,
  OutputOf,
} from '../../shared/contract';
import { contract } from '../../shared/contract';
import { auditSubject } from './audit-target';
import { ClusterNotSupportedError, clusterContext, clusterRoute } from './cluster-guard';
import { clusterEnqueueEnv, startIntentSweep } from './cluster/enqueue-cluster';
import { clusterHandlers } from './cluster/served';
import { readerContext } from './cluster/reader';
import {
  DEFAULT_CONFIG,
  flagFromEnv,
  skewFromEnv,
  type CallContext,
  type CoreConfig,
  type CoreContext,
} from './context';
import { ReadOnlyError } from './errors';
import { toQueuescopeError, type CallReach } from './error-mapping';
import { createHandlers, type Handlers } from './handlers';
import { EnqueueBatcher } from './jobs/enqueue';
import { BackgroundIndexer, type BackgroundIndexerOptions } from './migration/background-indexer';
import { createRedisClient, type ConnectionOptions } from './redis/connection';
import { connectionProblemOf, withConnectionProblem } from './redis/connection-problem';
import {
  confirmWrite,
  durabilityFromEnv,
  durabilityPolicy,
  isConfirmed,
  writeTicket,
} from './redis/durability';
import { detectTopology } from './redis/topology';
import { registerScripts } from './scripts';
import { appendAudit, auditOutcome } from './telemetry/audit';
import { DualWriteFailures } from './telemetry/dual-write-failures';
import { needsConfirmation, unconfirmedError, unconfirmedItems } from './unconfirmed';
import { validate } from './validate';

export interface CoreOptions extends Partial<CoreConfig> {
  /** An existing client (tests, the demo), or connection settings for a new one. */
  redis?: Redis;
  connection?: ConnectionOptions;
}

/**
 * The queue core: every operation of the contract over one Redis connection. Imports nothing from
 * Electron or React, so the app, the web host, the CLI and the tests all use it as is.
 */
export class QueueCore {
  readonly redis: Redis;
  readonly config: CoreConfig;
  private readonly ctx: CoreContext;
  private readonly handlers: Handlers;
  private readonly ownsClient: boolean;
  private readonly indexers = new Set<BackgroundIndexer>();
  /** Times the connection became ready: a call issued while it was not may have gone out since. */
  private readies = 0;
  /** The handlers of the operations a Redis Cluster serves, made when one is found. */
  private clusterHandlers: Partial<Handlers> | null = null;
  /** The context over the Cluster client, once a cluster is found. */
  private clusterCtx: CoreContext | null = null;
  /** Stops the sweep for crashed cluster enqueues, when one runs. */
  private stopSweep: (() => void) | undefined;

  constructor(options: CoreOptions = {}) {
    this.config = {
      ...DEFAULT_CONFIG,
      defaultFlag: options.defaultFlag ?? flagFromEnv(process.env.AI_JOBS_NEW_SCHEMA),
      flagSkewMs: options.flagSkewMs ?? skewFromEnv(process.env.QUEUESCOPE_FLAG_SKEW_MS),
      ...durabilityFromEnv(process.env),
      ...stripUndefined(options),
    };
    this.ownsClient = !options.redis;
    this.redis =
      options.redis ??
      createRedisClient(
        options.connection ?? { url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379' },
      );
    registerScripts(this.redis);
    const failures = new DualWriteFailures(this.config.metricsRetentionSec);
    this.ctx = { redis: this.redis, config: this.config, failures, lastFlag: null };
    this.handlers = createHandlers(this.ctx, new EnqueueBatcher(this.ctx));
    this.redis.on('ready', () => {
      this.readies += 1;
      // On a cluster, through the Cluster client, one key at a time (telemetry/dual-write-failures.ts).
      void failures.flush(this.clusterCtx?.redis ?? this.redis);
    });
  }

  get readOnly(): boolean {
    return this.config.readOnly;
  }

  /** Dual-write failures counted while Redis could not take them. */
  get unflushedFailures(): number {
    return this.ctx.failures.unflushed;
  }

  /**
   * The one entry point of every door: validates with the contract schema, refuses writes on a
   * read-only core before any Redis call, runs the handler, and audits person-triggered writes.
   */
  async invoke<K extends CoreOperationName>(
    name: K,
    input: unknown,
    call: CallContext = {},
  ): Promise<OutputOf<Contract[K]>> {
    const op = contract[name];
    if (!op || !Object.prototype.hasOwnProperty.call(this.handlers, name))
      throw new Error(`unknown operation ${String(name)}`);
    const parsed = validate(op.input, input);
    if (op.writes && this.config.readOnly) throw new ReadOnlyError(name);
    const handler = this.handlers[name] as (
      input: unknown,
      call: CallContext,
    ) => Promise<OutputOf<Contract[K]>>;
    const audited = op.writes && call.actor !== undefined;
    const reach = this.reachFrom(op.writes);
    const ticket = writeTicket(this.redis);
    // Refused on a cluster, or no answer to the probe: nothing was sent, so nothing is audited.
    const onCluster = await this.routed(name, op.writes);
    const run = onCluster ?? handler;
    try {
      const done = await run(parsed, call);
      // A cluster's handlers confirm on every master they wrote to (cluster/confirmed.ts).
      const output =
        op.writes && !onCluster ? await this.confirmed(name, parsed, done, ticket) : done;
      if (audited) await this.audit(name, parsed, call, 'ok', output);
      return output;
    } catch (error) {
      // Callers see only the error classes of docs/operations.md "Errors", whatever Redis or the
      // client threw; a TLS or login failure is named as such, not as Redis not answering.
      const coreError = withConnectionProblem(
        toQueuescopeError(error, reach()),
        connectionProblemOf(this.redis),
      );
      if (audited) await this.audit(name, parsed, call, coreError.toJSON());
      throw coreError;
    }
  }

  private async audit(
    name: OperationName,
    input: unknown,
    call: CallContext,
    outcome: 'ok' | ApiError,
    output?: unknown,
  ): Promise<void> {
    const subject = auditSubject(name, input, output);
    // The door decides who acted, never an actor_id in the input (docs/doors.md "The audit's actor").
    const record = {
      actor: call.actor ?? 'unknown',
      ...(call.hostUser === undefined ? {} : { host_user: call.hostUser }),
      operation: name,
      target: subject.target,
      outcome: (outcome === 'ok' && subject.outcome) || auditOutcome(outcome),
      ...auditDetails(subject.details, output),
    };
    // The audit trail must not turn a completed write into a reported failure, nor hide the real error.
    // On a cluster the audit stream is reached through the Cluster client, on whichever master holds it.
    await appendAudit(this.clusterCtx ?? this.ctx, record).catch(() => undefined);
  }

  /**
   * The handler of `name` on a Redis Cluster (docs/topologies.md): served through the Cluster
   * client, refused, or (undefined) the usual one. A failed probe sent nothing of the call.
   */
  private async routed(name: CoreOperationName, write: boolean) {
    let kind: string;
    try {
      kind = await detectTopology(this.redis);
    } catch (error) {
      const notSent = toQueuescopeError(error, { write, mayHaveBeenSent: false });
      throw withConnectionProblem(notSent, connectionProblemOf(this.redis));
    }
    if (kind !== 'cluster') return undefined;
    const route = clusterRoute(name);
    if (route === 'refused') {
      throw new ClusterNotSupportedError(
        name,
        `${this.redis.options.host}:${this.redis.options.port}`,
      );
    }
    if (route === 'as-is') return undefined;
    if (!this.clusterHandlers) {
      const ctx = this.onCluster();
      this.clusterHandlers = clusterHandlers({
        ctx,
        base: createHandlers(ctx, new EnqueueBatcher(ctx)),
        enqueue: clusterEnqueueEnv(ctx),
      });
    }
    return this.clusterHandlers[name] as (input: unknown, call: CallContext) => Promise<never>;
  }

  /** The context over the Cluster client, made once a cluster is found. */
  private onCluster(): CoreContext {
    this.clusterCtx ??= clusterContext(this.ctx);
    return this.clusterCtx;
  }

  /**
   * The client for a producer's or a worker's own single-key commands (the demo, the library's
   * worker): on a Redis Cluster the Cluster client, which sends each key to the master of its slot
   * (docs/topologies.md "Redis Cluster"); else the connection itself.
   */
  async keyClient(): Promise<Redis> {
    if ((await detectTopology(this.redis)) !== 'cluster') return this.redis;
    return this.onCluster().redis;
  }

  /**
   * The context the hosts' background work (the indexer, the queue depth sampler) runs on: on a
   * Redis Cluster the cluster reader's, which walks every master (docs/topologies.md "Redis
   * Cluster"), and the sweep for crashed cluster enqueues is started beside it.
   */
  async hostContext(): Promise<CoreContext> {
    if ((await detectTopology(this.redis)) !== 'cluster') return this.ctx;
    const ctx = this.onCluster();
    this.stopSweep ??= startIntentSweep(clusterEnqueueEnv(ctx));
    return readerContext(ctx);
  }

  /**
   * A write is reported done once the replicas the policy asks for have it (WAIT); else it is
   * unconfirmed, never done (docs/topologies.md "Acknowledged means durable").
   */
  private async confirmed<T>(name: string, input: unknown, output: T, ticket: number): Promise<T> {
    if (!needsConfirmation(name)) return output;
    const confirmation = await confirmWrite(this.redis, durabilityPolicy(this.config), ticket);
    if (isConfirmed(confirmation)) return output;
    if (name === 'enqueueMany') {
      const { jobs } = input as { jobs: unknown[] };
      const { results } = output as { results: Parameters<typeof unconfirmedItems>[1] };
      return { results: unconfirmedItems(jobs, results, confirmation!) } as T;
    }
    throw unconfirmedError(name, input, output, confirmation!);
  }

  /**
   * How far a call issued now may get before it fails: ioredis writes commands only on a ready
   * connection and holds them otherwise, so a call that never saw one was never sent.
   */
  private reachFrom(write: boolean): () => CallReach {
    const readyAtStart = this.redis.status === 'ready';
    const readiesAtStart = this.readies;
    return () => ({ write, mayHaveBeenSent: readyAtStart || this.readies !== readiesAtStart });
  }

  /**
   * Starts filing other producers' jobs into the indexes in the background (the hosts call this).
   * Null on a read-only connection, which writes nothing. The core's close stops it.
   */
  startBackgroundIndexer(options?: BackgroundIndexerOptions): BackgroundIndexer | null {
    if (this.config.readOnly) return null;
    // On a cluster it files over every master, beside the sweep for crashed enqueues.
    const indexer = new BackgroundIndexer(() => this.hostContext(), options);
    this.indexers.add(indexer);
    return indexer;
  }

  async close(): Promise<void> {
    this.stopSweep?.();
    await Promise.all([...this.indexers].map((indexer) => indexer.stop()));
    await this.ctx.failures.flush(this.clusterCtx?.redis ?? this.redis);
    if (this.ownsClient) this.redis.disconnect();
  }
}

/** The audit details of a write: its subject, and the warning of a write that committed with one. */
function auditDetails(subject: string | undefined, output: unknown): { details?: string } {
  const warning = (output as Partial<Job> | undefined)?.warning;
  const details = [subject, warning].filter(Boolean).join('; ');
  return details ? { details } : {};
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(o).filter(([k, v]) => v !== undefined && k !== 'redis' && k !== 'connection'),
  ) as Partial<T>;
}

export function createCore(options: CoreOptions = {}): QueueCore {
  return new QueueCore(options);
}
