import { describe, expect, it } from 'vitest';
import { classify } from '../../electron/core/migration/classify';
import type { Finding } from '../../electron/core/migration/compare-batch';

const flipOnAt = Date.parse('2026-11-29T05:00:00.000Z');
const history = [{ at: flipOnAt, value: 'on' as const }];
const exact = { history, current: 'on' as const, skewMs: 0 };
const skewed = { history, current: 'on' as const, skewMs: 5000 };
const missing = (enqueuedAt: number): Finding => ({
  job_id: 'j',
  code: 'missing_in_new',
  workspace_id: 'ws',
  detail: '',
  old_fp: 'x',
  new_fp: '',
  enqueued_at: new Date(enqueuedAt).toISOString(),
});

describe('classify: a job missing its new copy (docs/guarantees.md, flag clock)', () => {
  it('awaits backfill when enqueued before dual-write was turned on', () => {
    expect(classify(missing(flipOnAt - 5), exact)?.category).toBe('awaiting_backfill');
  });

  it('awaits backfill when enqueued in the very millisecond of the flip (either value was possible)', () => {
    expect(classify(missing(flipOnAt), exact)?.category).toBe('awaiting_backfill');
  });

  it('is divergent when enqueued after dual-write was on, with no skew allowed', () => {
    expect(classify(missing(flipOnAt + 1), exact)?.category).toBe('missing_in_new');
  });

  it('awaits backfill, marked near the flip, within the allowed producer clock skew', () => {
    const item = classify(missing(flipOnAt + 4000), skewed);
    expect(item).toMatchObject({ category: 'awaiting_backfill', near_flip: true });
  });

  it('is divergent past the allowed skew, and unmarked before the flip', () => {
    expect(classify(missing(flipOnAt + 5001), skewed)?.category).toBe('missing_in_new');
    expect(classify(missing(flipOnAt - 10_000), skewed)?.near_flip).toBeUndefined();
  });

  it('near a flip to off, a job enqueued just before it awaits backfill too', () => {
    const offAt = flipOnAt + 60_000;
    const onThenOff = {
      history: [...history, { at: offAt, value: 'off' as const }],
      current: 'off' as const,
      skewMs: 5000,
    };
    expect(classify(missing(offAt - 3000), onThenOff)).toMatchObject({ near_flip: true });
    expect(classify(missing(offAt - 6000), onThenOff)?.category).toBe('missing_in_new');
  });
});
