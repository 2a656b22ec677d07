import { describe, expect, it } from 'vitest';
import { classify } from '../../electron/core/migration/classify';
import type { Finding } from '../../electron/core/migration/compare-batch';

const flipOnAt = Date.parse('2026-11-29T05:00:00.000Z');
const timeline = { history: [{ at: flipOnAt, value: 'on' as const }], current: 'on' as const };
const missing = (enqueuedAt: number): Finding => ({
  job_id: 'j',
  code: 'missing_in_new',
  workspace_id: 'ws',
  detail: '',
  old_fp: 'x',
  new_fp: '',
  enqueued_at: new Date(enqueuedAt).toISOString(),
});

describe('classify: a job missing its new copy', () => {
  it('awaits backfill when enqueued before dual-write was turned on', () => {
    expect(classify(missing(flipOnAt - 5), timeline)?.category).toBe('awaiting_backfill');
  });

  it('awaits backfill when enqueued in the very millisecond of the flip (either value was possible)', () => {
    expect(classify(missing(flipOnAt), timeline)?.category).toBe('awaiting_backfill');
  });

  it('is divergent when enqueued after dual-write was on', () => {
    expect(classify(missing(flipOnAt + 1), timeline)?.category).toBe('missing_in_new');
  });
});
