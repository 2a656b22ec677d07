import { describe, expect, it } from 'vitest';
import { formatTime, relativeTime, timeTitle } from '../../renderer/ui/Time';

/** docs/console.md "Dates": one format everywhere, the relative time on hover. */
describe('the console date format', () => {
  it('is local YYYY-MM-DD HH:MM:SS, whatever the day, for ISO text and epoch milliseconds alike', () => {
    const at = new Date(2026, 1, 3, 4, 5, 6); // local time
    expect(formatTime(at.toISOString())).toBe('2026-02-03 04:05:06');
    expect(formatTime(at.getTime())).toBe('2026-02-03 04:05:06');
    expect(formatTime(new Date(2026, 11, 31, 23, 59, 59).toISOString())).toBe(
      '2026-12-31 23:59:59',
    );
  });

  it('says how long ago, in the largest whole unit, and how far ahead', () => {
    const now = Date.UTC(2026, 2, 10, 12, 0, 0);
    const ago = (ms: number) => relativeTime(new Date(now - ms).toISOString(), now);
    expect(ago(500)).toBe('just now');
    expect(ago(42_000)).toBe('42 s ago');
    expect(ago(5 * 60_000 + 59_000)).toBe('5 min ago');
    expect(ago(3 * 3_600_000)).toBe('3 h ago');
    expect(ago(2 * 86_400_000 + 5_000)).toBe('2 d ago');
    expect(ago(-90_000)).toBe('in 1 min');
  });

  it('hovers with the relative time and UTC; text that is no time stays as it is', () => {
    const now = Date.UTC(2026, 2, 10, 12, 0, 0);
    expect(timeTitle('2026-03-10T11:59:00.250Z', now)).toBe(
      '1 min ago · 2026-03-10 11:59:00.250 UTC',
    );
    expect(timeTitle('soon', now)).toBe('soon');
    expect(relativeTime('soon', now)).toBe('soon');
  });
});
