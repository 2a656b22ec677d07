import { z } from 'zod';
import { describe, workspaceId } from './ids';
import type { FlagValue } from './migration';
import { operation } from './operation';

export const METRIC_WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const;
export type MetricWindow = (typeof METRIC_WINDOWS)[number];

export interface MetricPoint {
  /** Start of the step (a minute, or a coarser step in long windows), epoch milliseconds. */
  minute: number;
  succeeded: number;
  failed: number;
  /** Length of ai:queue:pending sampled in that step (the maximum); absent when nobody sampled it. */
  queue_depth?: number;
}

export interface MetricsReport {
  window: MetricWindow;
  workspace_id: string | null;
  points: MetricPoint[];
  succeeded: number;
  failed: number;
  /** failed / (succeeded + failed); 0 when there were no attempts. */
  failure_rate: number;
  by_workspace: Array<{ workspace_id: string; succeeded: number; failed: number }>;
  queue_depth: number;
  /**
   * The migration flag over the window, from the flag history: its value when the window starts
   * and each change within it (Redis time, ms), so charts mark when dual-write was off.
   */
  flag?: { at_start: FlagValue; changes: Array<{ at: number; value: FlagValue }> };
}

export interface AuditEntry {
  id: string;
  time: string;
  /** The person operating Queuescope (docs/doors.md "The audit's actor"), never a job's actor_id. */
  actor: string;
  /** On the web host: its OS user, beside the name the browser declared as `actor`. */
  host_user?: string;
  operation: string;
  target: string;
  outcome: string;
  details?: string;
}

export const telemetryOperations = {
  metrics: operation<MetricsReport>()({
    summary: 'Dual-write attempts per minute (succeeded, failed) and the failure rate.',
    writes: false,
    input: z
      .object({
        window: z
          .enum(METRIC_WINDOWS, {
            error: (i) =>
              `window must be one of ${METRIC_WINDOWS.join(', ')} (got ${describe(i.input)})`,
          })
          .default('1h'),
        workspace_id: workspaceId.optional(),
      })
      .default({ window: '1h' }),
  }),
  metricsPrometheus: operation<{ text: string }>()({
    summary: 'Dual-write attempt totals as Prometheus text.',
    writes: false,
    input: z.object({}).optional(),
  }),
  audit: operation<AuditEntry[]>()({
    summary: 'The newest operator actions from the audit stream.',
    writes: false,
    input: z
      .object({
        limit: z.number().int().min(1).max(10000).default(200),
        /** Entries whose text contains this, in any case. */
        contains: z.string().max(200).optional(),
        /** Only this actor's entries (exact). */
        actor: z.string().min(1).max(256).optional(),
        /** Only this operation's entries (exact), e.g. setFlag. */
        operation: z.string().min(1).max(100).optional(),
        /** Only entries from this time on, epoch milliseconds. */
        since_ms: z
          .number({
            error: (i) => `since_ms must be epoch milliseconds (got ${describe(i.input)})`,
          })
          .int({ error: 'since_ms must be a whole number of milliseconds' })
          .min(0, { error: 'since_ms must not be negative' })
          .optional(),
      })
      .default({ limit: 200 }),
  }),
};
