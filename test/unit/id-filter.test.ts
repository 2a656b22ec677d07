import { describe, expect, it } from 'vitest';
import { IdFilter } from '../../electron/core/migration/id-filter';

describe('IdFilter', () => {
  it('never forgets an id it was given', () => {
    const filter = new IdFilter(50_000);
    for (let i = 0; i < 50_000; i++) filter.add(`job-${i}`);
    for (let i = 0; i < 50_000; i++) expect.soft(filter.has(`job-${i}`)).toBe(true);
    expect(filter.count).toBe(50_000);
  });

  it('keeps false positives near the rate it was sized for, at capacity', () => {
    const filter = new IdFilter(100_000, 0.001);
    for (let i = 0; i < 100_000; i++) filter.add(`0f5c${i.toString(16)}-ws-${i % 100}`);
    let falsePositives = 0;
    for (let i = 0; i < 100_000; i++) if (filter.has(`other-${i}`)) falsePositives++;
    // 0.1% expected: 100 of 100,000; a broken hash gives thousands.
    expect(falsePositives).toBeLessThan(300);
  });

  it('an empty filter has nothing', () => {
    const filter = new IdFilter(10);
    expect(filter.has('job-1')).toBe(false);
    expect(filter.has('')).toBe(false);
  });
});
