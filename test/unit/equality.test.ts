import { describe, expect, it } from 'vitest';
import table from '../fixtures/equality-cases.json';
import { canonicalJson, differingFields, sameFieldValue } from '../../electron/core/equality';

/** A field value of the table; null stands for a field absent from that copy. */
const field = (v: string | null) => v ?? undefined;
const show = (v: string | null) => (v === null ? '(absent)' : JSON.stringify(v).slice(0, 60));

/** docs/guarantees.md, "Equality of two copies": the shared table through the TypeScript rule. */
describe('equality of two copies (TypeScript)', () => {
  it('has a table of at least 60 cases, each with its reason', () => {
    expect(table.cases.length).toBeGreaterThanOrEqual(60);
    for (const c of table.cases) expect(c.why).not.toBe('');
  });

  it.each(table.cases.map((c) => [c.why, c] as const))('%s', (_, c) => {
    const label = `${show(c.a)} vs ${show(c.b)}`;
    expect(sameFieldValue(field(c.a), field(c.b)), label).toBe(c.equal);
    expect(sameFieldValue(field(c.b), field(c.a)), `${label}, swapped`).toBe(c.equal);
  });

  it('puts a text in canonical form: sorted keys, unescaped strings, exact numbers', () => {
    expect(canonicalJson(' {"b": [1.50, -0, 1e2], "a": "\\u00e9\\/", "a": null} ')).toBe(
      '{"a":null,"b":[15e-1,0,1e2]}',
    );
    expect(canonicalJson('"say \\"hi\\" \\\\"')).toBe('"say \\"hi\\" \\\\"');
    expect(canonicalJson('12345678901234567890')).toBe('1234567890123456789e1');
    expect(canonicalJson('0.000')).toBe('0');
  });

  it('sorts keys by code point, the order of their UTF-8 bytes, not by UTF-16 units', () => {
    // As UTF-16 units U+FF61 sorts after U+1F600's high surrogate (D83D); as a code point, before.
    expect(canonicalJson('{"😀":1,"｡":2}')).toBe('{"｡":2e0,"😀":1e0}');
  });

  it('refuses what is not strict JSON', () => {
    for (const text of ['', ' ', 'NaN', '[1,]', '{"a":1,}', '01', '1.', '-', '"\t"', 'nul', '[']) {
      expect(canonicalJson(text), JSON.stringify(text)).toBeNull();
    }
  });

  it('has no nesting limit: 20,000 nested arrays and objects', () => {
    const depth = 20_000;
    const arrays = '['.repeat(depth) + '1.0' + ']'.repeat(depth);
    expect(canonicalJson(arrays)).toBe('['.repeat(depth) + '1e0' + ']'.repeat(depth));
    const objects = '{"k": '.repeat(depth) + '[]' + '}'.repeat(depth);
    expect(sameFieldValue(objects, '{"k":'.repeat(depth) + '[]' + '}'.repeat(depth))).toBe(true);
    expect(sameFieldValue(objects, '{"k":'.repeat(depth) + '{}' + '}'.repeat(depth))).toBe(false);
  });

  it('lists the differing fields of two hashes, sorted, a field absent from one included', () => {
    const old = { status: 'pending', params: '{"to": "\\u00e9"}', attempts: '1', result: '' };
    const copy = { status: 'pending', params: '{"to":"é"}', attempts: '1.0', extra: 'x' };
    expect(differingFields(old, copy)).toEqual(['extra', 'result']);
    expect(differingFields(copy, old)).toEqual(['extra', 'result']);
    expect(differingFields({ ...old, params: '{}' }, { ...old, params: '[]' })).toEqual(['params']);
    expect(differingFields({}, {})).toEqual([]);
  });
});
