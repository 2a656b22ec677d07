import type { Redis } from 'ioredis';
import { keys, minuteOf } from '../keys';

/**
 * Failed dual-write attempts counted in memory and flushed to the Redis buckets once Redis answers
 * again: the failure being counted is often Redis itself, and telemetry must never hide the error.
 */
export class DualWriteFailures {
  private readonly pending = new Map<number, Map<string, number>>();
  /**
   * On a Redis Cluster the minute buckets and the totals are written one key at a time (each its
   * own slot): counts one of them took while the other refused are owed only to the other.
   */
  private readonly owedToBuckets = new Map<number, Map<string, number>>();
  private readonly owedToTotals = new Map<string, number>();
  private inFlight: Promise<void> | null = null;

  constructor(private readonly retentionSec: number) {}

  record(workspaceId: string, count = 1, now = Date.now()): void {
    const minute = minuteOf(now);
    let byWorkspace = this.pending.get(minute);
    if (!byWorkspace) this.pending.set(minute, (byWorkspace = new Map()));
    byWorkspace.set(workspaceId, (byWorkspace.get(workspaceId) ?? 0) + count);
  }

  get unflushed(): number {
    let owedToBuckets = 0;
    for (const byWorkspace of this.owedToBuckets.values())
      for (const c of byWorkspace.values()) owedToBuckets += c;
    let owedToTotals = 0;
    for (const c of this.owedToTotals.values()) owedToTotals += c;
    return sum(this.pending) + Math.max(owedToBuckets, owedToTotals);
  }

  /**
   * Writes what is pending; on failure keeps it for the next try. Never throws. Resolves only once
   * everything recorded before the call was written (or kept), so a reader that flushes first sees it.
   */
  async flush(redis: Redis): Promise<void> {
    while (this.inFlight) await this.inFlight;
    const owed = this.pending.size + this.owedToBuckets.size + this.owedToTotals.size;
    if (owed === 0 || redis.status !== 'ready') return;
    const cluster = (redis as { isCluster?: boolean }).isCluster === true;
    this.inFlight = (cluster ? this.writePerKey(redis) : this.write(redis)).finally(
      () => (this.inFlight = null),
    );
    await this.inFlight;
  }

  private async write(redis: Redis): Promise<void> {
    const batch = new Map(this.pending);
    this.pending.clear();
    try {
      const transaction = redis.multi();
      for (const [minute, byWorkspace] of batch) {
        const bucket = keys.metricsBucket(minute);
        for (const [ws, count] of byWorkspace) {
          transaction.hincrby(bucket, `${ws}|failed`, count);
          transaction.hincrby(keys.metricsTotal, `${ws}|failed`, count);
        }
        transaction.expire(bucket, this.retentionSec);
      }
      await transaction.exec();
    } catch {
      for (const [minute, byWorkspace] of batch) {
        for (const [ws, count] of byWorkspace) this.record(ws, count, minute);
      }
    }
  }

  /**
   * The cluster's flush: one MULTI per minute bucket (its counts and its expiry, one slot) and one
   * for the totals, so no transaction names keys of two slots; a refused one is kept for the next
   * flush and the others are not written again.
   */
  private async writePerKey(redis: Redis): Promise<void> {
    for (const [minute, byWorkspace] of this.pending) {
      for (const [ws, count] of byWorkspace) {
        addTo(this.owedToBuckets, minute, ws, count);
        this.owedToTotals.set(ws, (this.owedToTotals.get(ws) ?? 0) + count);
      }
    }
    this.pending.clear();
    const buckets = new Map(this.owedToBuckets);
    this.owedToBuckets.clear();
    await Promise.all(
      [...buckets].map(async ([minute, byWorkspace]) => {
        const bucket = keys.metricsBucket(minute);
        const transaction = redis.multi();
        for (const [ws, count] of byWorkspace) transaction.hincrby(bucket, `${ws}|failed`, count);
        transaction.expire(bucket, this.retentionSec);
        await transaction.exec().catch(() => {
          for (const [ws, count] of byWorkspace) addTo(this.owedToBuckets, minute, ws, count);
        });
      }),
    );
    const totals = new Map(this.owedToTotals);
    this.owedToTotals.clear();
    if (totals.size === 0) return;
    const transaction = redis.multi();
    for (const [ws, count] of totals) transaction.hincrby(keys.metricsTotal, `${ws}|failed`, count);
    await transaction.exec().catch(() => {
      for (const [ws, count] of totals)
        this.owedToTotals.set(ws, (this.owedToTotals.get(ws) ?? 0) + count);
    });
  }
}

function addTo(map: Map<number, Map<string, number>>, minute: number, ws: string, count: number) {
  let byWorkspace = map.get(minute);
  if (!byWorkspace) map.set(minute, (byWorkspace = new Map()));
  byWorkspace.set(ws, (byWorkspace.get(ws) ?? 0) + count);
}

function sum(map: Map<number, Map<string, number>>): number {
  let n = 0;
  for (const byWorkspace of map.values()) for (const c of byWorkspace.values()) n += c;
  return n;
}
