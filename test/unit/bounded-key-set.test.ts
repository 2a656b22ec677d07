import { describe, expect, it } from 'vitest';
import { BoundedKeySet } from '../../electron/core/migration/bounded-key-set';

const key = (i: number) => `ai:job:ws-${i % 100}:job-${i}`;

/** What a check's walk has seen, in bounded memory (docs/guarantees.md, "Divergence check"). */
describe('BoundedKeySet', () => {
  it('answers only for keys it was given, and each of them once', () => {
    const found = new BoundedKeySet();
    found.add(key(1));
    found.add(key(1));
    found.add('ai:job:ws-1:café');
    expect(found.size).toBe(2);
    expect(found.take(key(2))).toBe(false);
    expect(found.take('ai:job:ws-2:job-1')).toBe(false);
    expect(found.has(key(1))).toBe(true);
    expect(found.take(key(1))).toBe(true);
    expect(found.has(key(1))).toBe(false);
    expect(found.take(key(1))).toBe(false);
    expect(found.take('ai:job:ws-1:cafe')).toBe(false);
    expect(found.take('ai:job:ws-1:café')).toBe(true);
    expect(found.size).toBe(0);
  });

  it('keeps every key through growth and holds no key it was not given', () => {
    const found = new BoundedKeySet();
    for (let i = 0; i < 300_000; i += 2) found.add(key(i));
    expect(found.size).toBe(150_000);
    const answers = { even: 0, odd: 0, again: 0 };
    for (let i = 0; i < 300_000; i++) {
      if (found.take(key(i))) answers[i % 2 === 0 ? 'even' : 'odd']++;
      if (found.take(key(i))) answers.again++;
    }
    expect(answers).toEqual({ even: 150_000, odd: 0, again: 0 });
  });

  it('stops holding keys at its size limit, and still answers for those it holds', () => {
    const found = new BoundedKeySet();
    const limit = 3 * (1 << 19); // three quarters of 2^21 slots
    for (let i = 0; i < limit; i++) expect(found.add(key(i))).toBe(true);
    expect(found.add(key(limit))).toBe(false);
    expect(found.size).toBe(limit);
    expect(found.has(key(0))).toBe(true);
    expect(found.has(key(limit))).toBe(false);
    expect(found.take(key(0))).toBe(true);
    expect(found.take(key(limit + 10))).toBe(false);
  });
});
