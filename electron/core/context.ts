import type { Redis } from 'ioredis';
import type { FlagValue } from '../../shared/contract';
import type { DualWriteFailures } from './telemetry/dual-write-failures';

export interface CoreConfig {
  /** Refuse every write with READ_ONLY before touching Redis. */
  readOnly: boolean;
  /** The flag's value while `ai:flags:new_schema` is absent (env AI_JOBS_NEW_SCHEMA). */
  defaultFlag: FlagValue;
  /** Largest serialized params/result accepted, bytes. */
  maxJsonBytes: number;
  idempotencyTtlSec: number;
  /** How long per-minute dual-write buckets are kept. */
  metricsRetentionSec: number;
  /** Approximate cap of the audit stream (XADD MAXLEN ~). */
  auditMaxLen: number;
  /**
   * How far producers' clocks (enqueued_at) may be from Redis's (the flag history), in ms: the
   * divergence check counts a job without its new copy this close to a flip as awaiting backfill
   * and says so (env QUEUESCOPE_FLAG_SKEW_MS).
   */
  flagSkewMs: number;
  /**
   * Replicas a write must reach (WAIT) before it is reported done: 'auto' is one where the
   * primary has replicas, none where it has none (env QUEUESCOPE_WAIT_REPLICAS, topologies.md).
   */
  waitReplicas: 'auto' | number;
  /** How long a write waits for them before it is unconfirmed (env QUEUESCOPE_WAIT_TIMEOUT_MS). */
  waitTimeoutMs: number;
}

export const DEFAULT_CONFIG: CoreConfig = {
  readOnly: false,
  defaultFlag: 'off',
  maxJsonBytes: 1024 * 1024,
  idempotencyTtlSec: 86_400,
  metricsRetentionSec: 8 * 86_400,
  auditMaxLen: 10_000,
  flagSkewMs: 3000,
  waitReplicas: 'auto',
  waitTimeoutMs: 1000,
};

/** What every operation of the core works with. */
export interface CoreContext {
  readonly redis: Redis;
  readonly config: CoreConfig;
  readonly failures: DualWriteFailures;
  /** The flag as last seen by a write script; used to attribute failures when Redis cannot be asked. */
  lastFlag: FlagValue | null;
}

export interface Progress {
  phase: string;
  done: number;
  total: number | null;
  eta_s?: number | null;
}

/** Per-call options the doors pass in: cancellation, progress, and who triggered the call. */
export interface CallContext {
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
  /**
   * The person operating Queuescope, set by the doors (IPC, HTTP, CLI) for person-triggered calls;
   * writes are then audited as this actor, never as an actor_id in the input (docs/doors.md).
   */
  actor?: string;
  /** The OS user of the web host a browser called through, recorded beside the declared actor. */
  hostUser?: string;
}

/** The allowed producer clock skew from env, or the default when unset or not a number of ms. */
export function skewFromEnv(value: string | undefined): number {
  const ms = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isInteger(ms) && ms >= 0
    ? ms
    : DEFAULT_CONFIG.flagSkewMs;
}

export function flagFromEnv(value: string | undefined): FlagValue {
  return value?.trim().toLowerCase() === 'on' ? 'on' : 'off';
}
