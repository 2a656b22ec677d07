import type { JobRow } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { classify, type FlagTimeline } from '../migration/classify';
import { readFlagHistory } from '../migration/flags';
import { readFlag } from './read-job';

/** Whether a job without its new copy went in while dual-write was off, as the check decides it. */
function awaitingClass(timeline: FlagTimeline, jobId: string, enqueuedAt: string) {
  const item = classify(
    {
      job_id: jobId,
      code: 'missing_in_new',
      workspace_id: '',
      detail: '',
      old_fp: '',
      new_fp: '',
      enqueued_at: enqueuedAt,
    },
    timeline,
  );
  if (item?.category !== 'awaiting_backfill') return null;
  return item.near_flip ? { near_flip: true as const } : {};
}

async function timelineOf(ctx: CoreContext): Promise<FlagTimeline> {
  const [history, flag] = await Promise.all([readFlagHistory(ctx), readFlag(ctx)]);
  return { history, current: flag.value, skewMs: ctx.config.flagSkewMs };
}

/**
 * Rows without a new copy, classed like the divergence check classes them (classify.ts, from the
 * flag history): a job enqueued while dual-write was off is "awaiting backfill", not "missing in
 * new", in the jobs list as in the report. The history is read only when a row needs it.
 */
export async function classifyMissingInNew(ctx: CoreContext, rows: JobRow[]): Promise<void> {
  const missing = rows.filter((row) => row.sync.state === 'missing_in_new');
  if (missing.length === 0) return;
  const timeline = await timelineOf(ctx);
  for (const row of missing) {
    const awaiting = awaitingClass(timeline, row.job_id, row.enqueued_at ?? '');
    if (awaiting) row.sync = { state: 'awaiting_backfill', ...awaiting };
  }
}

/** The same for one job's old copy, for the job drawer (inspectJob). */
export async function awaitsBackfill(
  ctx: CoreContext,
  jobId: string,
  enqueuedAt: string,
): Promise<boolean> {
  return awaitingClass(await timelineOf(ctx), jobId, enqueuedAt) !== null;
}
