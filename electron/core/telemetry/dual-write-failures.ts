import type { Redis } from 'ioredis';
import { keys, minuteOf } from '../keys';

/**
 * Failed dual-write attempts counted in memory and flushed to the Redis buckets once Redis answers
 * again: the failure being counted is often Redis itself, and telemetry must never hide the error.
 */
export class DualWriteFailures {
  private readonly pending = new Map<number, Map<string, number>>();
  private inFlight: Promise<void> | null = null;

  constructor(private readonly retentionSec: number) {}

  record(workspaceId: string, count = 1, now = Date.now()): void {
    const minute = minuteOf(now);
    let byWorkspace = this.pending.get(minute);
    if (!byWorkspace) this.pending.set(minute, (byWorkspace = new Map()));
    byWorkspace.set(workspaceId, (byWorkspace.get(workspaceId) ?? 0) + count);
  }

  get unflushed(): number {
    let n = 0;
    for (const byWorkspace of this.pending.values()) for (const c of byWorkspace.values()) n += c;
    return n;
  }

  /**
   * Writes what is pending; on failure keeps it for the next try. Never throws. Resolves only once
   * everything recorded before the call was written (or kept), so a reader that flushes first sees it.
   */
  async flush(redis: Redis): Promise<void> {
    while (this.inFlight) await this.inFlight;
    if (this.pending.size === 0 || redis.status !== 'ready') return;
    this.inFlight = this.write(redis).finally(() => (this.inFlight = null));
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
}
