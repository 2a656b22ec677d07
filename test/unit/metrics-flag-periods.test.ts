import { describe, expect, it } from 'vitest';
import { flagPeriods } from '../../renderer/features/metrics/flag-periods';

/** docs/console.md "Metrics": the charts shade when dual-write was off and mark each change. */
describe('flag periods on a chart', () => {
  it('shades from the window start while off, and between an off and the next on', () => {
    const periods = flagPeriods(
      {
        at_start: 'off',
        changes: [
          { at: 120_000, value: 'on' },
          { at: 300_000, value: 'off' },
          { at: 360_000, value: 'on' },
        ],
      },
      60,
      600,
    );
    expect(periods.off).toEqual([
      [60, 120],
      [300, 360],
    ]);
    expect(periods.changes.map((c) => c.at)).toEqual([120, 300, 360]);
  });

  it('runs an off period to the end of the range, and shades nothing when it stayed on', () => {
    expect(
      flagPeriods({ at_start: 'on', changes: [{ at: 500_000, value: 'off' }] }, 0, 600).off,
    ).toEqual([[500, 600]]);
    expect(flagPeriods({ at_start: 'on', changes: [] }, 0, 600)).toEqual({ off: [], changes: [] });
    expect(flagPeriods({ at_start: 'off', changes: [] }, 0, 600).off).toEqual([[0, 600]]);
    expect(flagPeriods(undefined, 0, 600)).toEqual({ off: [], changes: [] });
  });

  it('leaves out changes outside the range', () => {
    const periods = flagPeriods(
      { at_start: 'on', changes: [{ at: 900_000, value: 'off' }] },
      0,
      600,
    );
    expect(periods).toEqual({ off: [], changes: [] });
  });
});
