import type { JobRow } from '../../../shared/contract';
import type { CoreContext } from '../context';
import { classify } from '../migration/classify';
import { readFlagHistory } from '../migration/flags';
import { readFlag } from './read-job';

/**
 * Rows without a new copy, classed like the divergence check classes them (classify.ts, from the
 * flag history): a job enqueued while dual-write was off is "awaiting backfill", not "missing in
 * new", in the jobs list as in the report. The history is read only when a row needs it.
 */
export async function classifyMissingInNew(ctx: CoreContext, rows: JobRow[]): Promise<void> {
  const missing = rows.filter((row) => row.sync.state === 'missing_in_new');
  if (missing.length === 0) return;
  const [history, flag] = await Promise.all([readFlagHistory(ctx), readFlag(ctx)]);
  const timeline = { history, current: flag.value, skewMs: ctx.config.flagSkewMs };
  for (const row of missing) {
    const item = classify(
      {
        job_id: row.job_id,
        code: 'missing_in_new',
        workspace_id: '',
        detail: '',
        old_fp: '',
        new_fp: '',
        enqueued_at: row.enqueued_at ?? '',
      },
      timeline,
    );
    if (item?.category === 'awaiting_backfill')
      row.sync = item.near_flip
        ? { state: 'awaiting_backfill', near_flip: true }
        : { state: 'awaiting_backfill' };
  }
}
