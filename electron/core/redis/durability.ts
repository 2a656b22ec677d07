import type { Redis } from 'ioredis';
import { ValidationError } from '../errors';

/**
 * How a write is confirmed before it is reported done (docs/topologies.md, "Acknowledged means
 * durable"): `replicas` must have it (WAIT) within `timeoutMs`. 'auto' waits for one replica when
 * the primary has any, and for none on a primary without replicas.
 */
export interface DurabilityPolicy {
  replicas: 'auto' | number;
  timeoutMs: number;
}

/** The policy of a core's settings (CoreConfig waitReplicas, waitTimeoutMs). */
export function durabilityPolicy(config: {
  waitReplicas: 'auto' | number;
  waitTimeoutMs: number;
}): DurabilityPolicy {
  return { replicas: config.waitReplicas, timeoutMs: config.waitTimeoutMs };
}

/**
 * The policy set in the environment: QUEUESCOPE_WAIT_REPLICAS (auto, or a number; 0 turns the
 * wait off) and QUEUESCOPE_WAIT_TIMEOUT_MS. A value that is neither is refused, not ignored.
 */
export function durabilityFromEnv(env: Record<string, string | undefined>): {
  waitReplicas?: 'auto' | number;
  waitTimeoutMs?: number;
} {
  const replicas = env.QUEUESCOPE_WAIT_REPLICAS?.trim().toLowerCase();
  const timeout = env.QUEUESCOPE_WAIT_TIMEOUT_MS?.trim();
  const out: { waitReplicas?: 'auto' | number; waitTimeoutMs?: number } = {};
  if (replicas) {
    if (replicas !== 'auto' && !/^\d{1,3}$/.test(replicas)) {
      throw new ValidationError(
        `QUEUESCOPE_WAIT_REPLICAS must be auto or a number of replicas, 0 to turn the wait off (got ${JSON.stringify(replicas)}).`,
        { field: 'QUEUESCOPE_WAIT_REPLICAS' },
      );
    }
    out.waitReplicas = replicas === 'auto' ? 'auto' : Number(replicas);
  }
  if (timeout) {
    if (!/^\d{1,7}$/.test(timeout) || Number(timeout) < 1) {
      throw new ValidationError(
        `QUEUESCOPE_WAIT_TIMEOUT_MS must be a whole number of milliseconds from 1 (got ${JSON.stringify(timeout)}).`,
        { field: 'QUEUESCOPE_WAIT_TIMEOUT_MS' },
      );
    }
    out.waitTimeoutMs = Number(timeout);
  }
  return out;
}

/** A write's confirmation: how many replicas had to have it, and how many did in time. */
export interface Confirmation {
  required: number;
  acknowledged: number;
  timeoutMs: number;
  /** The connection was lost during the call: its write may have gone out on another one. */
  connectionChanged: boolean;
}

/** A primary found without replicas is asked again this often: one that gains some is noticed. */
const RECHECK_WITHOUT_REPLICAS_MS = 5000;

interface WaitReply {
  acknowledged: number;
  /** Connections lost before the reply came: it answers only for writes of the same connection. */
  epoch: number;
}

/**
 * WAIT for one client. WAIT answers for every write the connection sent before it, so one WAIT on
 * the wire serves every call that finished before it was sent; calls finishing meanwhile share the
 * next one. WAIT holds the connection while it waits, so there is never more than one.
 */
class ReplicaWait {
  /** Connections lost so far: a write and its WAIT must travel on the same one. */
  epoch = 0;
  /** Replicas (0 or 1) the primary had when this connection asked; null until it answered. */
  private known: number | null = null;
  private askedAt = 0;
  /** The INFO replication under way: asked as soon as a connection is ready, before any write. */
  private asking: Promise<void> | null = null;
  private sent: Promise<WaitReply> | null = null;
  private queued: Promise<WaitReply> | null = null;

  constructor(private readonly client: Redis) {
    client.on('close', () => {
      this.epoch += 1;
    });
    // A new connection may be to another server (a new primary): ask it again.
    client.on('ready', () => {
      this.known = null;
      this.asking = null;
      void this.ask();
    });
    if (client.status === 'ready') void this.ask();
  }

  private ask(): Promise<void> {
    if (this.asking) return this.asking;
    const asking: Promise<void> = connectedReplicas(this.client).then(
      (replicas): void => this.learn(Math.min(replicas, 1), asking),
      // Unknown counts as one: a write is never vouched for on a guess.
      (): void => this.learn(1, asking),
    );
    this.asking = asking;
    return asking;
  }

  private learn(replicas: number, asking: Promise<void>): void {
    if (this.asking === asking) this.asking = null;
    this.askedAt = Date.now();
    // Never lowered while the connection lives: a primary that loses its replica in a failover
    // is exactly the one whose writes must not be acknowledged.
    this.known = Math.max(this.known ?? 0, replicas);
  }

  async required(policy: DurabilityPolicy): Promise<number> {
    if (policy.replicas !== 'auto') return policy.replicas;
    const stale = this.known === 0 && Date.now() - this.askedAt > RECHECK_WITHOUT_REPLICAS_MS;
    if (this.known === null || stale) await this.ask();
    return this.known ?? 1;
  }

  wait(replicas: number, timeoutMs: number): Promise<WaitReply> {
    if (!this.sent) return this.send(replicas, timeoutMs);
    this.queued ??= this.sent
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.send(replicas, timeoutMs);
      });
    return this.queued;
  }

  private send(replicas: number, timeoutMs: number): Promise<WaitReply> {
    const reply = this.client
      .wait(replicas, timeoutMs)
      .then((acknowledged) => ({ acknowledged: Number(acknowledged), epoch: this.epoch }))
      .finally(() => {
        if (this.sent === reply) this.sent = null;
      });
    this.sent = reply;
    return reply;
  }
}

const waits = new WeakMap<Redis, ReplicaWait>();

function waitOf(client: Redis): ReplicaWait {
  let wait = waits.get(client);
  if (!wait) {
    wait = new ReplicaWait(client);
    waits.set(client, wait);
  }
  return wait;
}

/** `connected_slaves` of the server this client talks to. */
export async function connectedReplicas(client: Redis): Promise<number> {
  const info = await client.info('replication');
  const match = /^connected_slaves:(\d+)/m.exec(info);
  return match ? Number(match[1]) : 0;
}

/**
 * Marks the start of a write call: the connection it may be sent on. Take it before the write is
 * issued and pass it to confirmWrite, which refuses to vouch for a write whose connection was lost.
 */
export function writeTicket(client: Redis): number {
  return waitOf(client).epoch;
}

/** How many replicas the policy asks this client's server for: 0 when there is nothing to wait for. */
export function replicasRequired(client: Redis, policy: DurabilityPolicy): Promise<number> {
  return waitOf(client).required(policy);
}

/**
 * Waits until the writes this client has made reach the replicas the policy asks for. Null when
 * there is nothing to wait for (no replicas required); otherwise the confirmation, which holds
 * when `acknowledged >= required` and the connection did not change.
 */
export async function confirmWrite(
  client: Redis,
  policy: DurabilityPolicy,
  ticket: number,
): Promise<Confirmation | null> {
  const wait = waitOf(client);
  const required = await wait.required(policy);
  if (required === 0) return null;
  const reply = await wait.wait(required, policy.timeoutMs).catch(() => null);
  return {
    required,
    acknowledged: reply?.acknowledged ?? 0,
    timeoutMs: policy.timeoutMs,
    connectionChanged: reply === null || reply.epoch !== ticket,
  };
}

/**
 * WAIT on a connection a call opened for its own writes (a repair's WATCH connection, closed
 * after), which a WAIT on `client`, the pooled connection to the same server, does not cover: WAIT
 * answers only for its own connection's writes. As many replicas as the policy asks of `client`'s
 * server, and no WAIT when it asks none. The connection never reconnects, so an error or a lost
 * reply leaves the write unconfirmed. Never throws.
 */
export async function confirmOwnWrite(
  conn: Redis,
  client: Redis,
  policy: DurabilityPolicy,
): Promise<Confirmation | null> {
  const required = await replicasRequired(client, policy);
  if (required === 0) return null;
  const acknowledged = await conn.wait(required, policy.timeoutMs).then(Number, () => null);
  return {
    required,
    acknowledged: acknowledged ?? 0,
    timeoutMs: policy.timeoutMs,
    connectionChanged: acknowledged === null,
  };
}

/**
 * One confirmation for the several WAITs of one call: the fewest replicas any of them confirmed
 * against the most any of them required; null (or absent) ones required none. Null when none did.
 */
export function combineConfirmations(
  each: ReadonlyArray<Confirmation | null | undefined>,
): Confirmation | null {
  const needed = each.filter((c): c is Confirmation => c != null);
  if (needed.length === 0) return null;
  const failed = needed.filter((c) => !isConfirmed(c));
  const worst = failed[0] ?? needed[0]!;
  return {
    required: Math.max(...needed.map((c) => c.required)),
    acknowledged: failed.length
      ? Math.min(...failed.map((c) => c.acknowledged))
      : worst.acknowledged,
    timeoutMs: worst.timeoutMs,
    connectionChanged: needed.some((c) => c.connectionChanged),
  };
}

export function isConfirmed(confirmation: Confirmation | null): boolean {
  return (
    confirmation === null ||
    (confirmation.acknowledged >= confirmation.required && !confirmation.connectionChanged)
  );
}
