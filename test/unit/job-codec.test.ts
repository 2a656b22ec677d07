import { describe, expect, it } from 'vitest';
import { decodeJob, differingFields, jsonEqual } from '../../electron/core/job-codec';

describe('decodeJob', () => {
  it('parses JSON fields, numbers attempts, and keeps unknown fields in extra', () => {
    expect(
      decodeJob(
        {
          job_id: 'j',
          status: 'failed',
          params: '{"to": "a"}',
          result: '',
          attempts: '3',
          retried_by: 'ops',
          shard: '7',
        },
        'fallback',
      ),
    ).toEqual({
      job_id: 'j',
      status: 'failed',
      params: { to: 'a' },
      result: null,
      attempts: 3,
      retried_by: 'ops',
      extra: { shard: '7' },
    });
  });

  it('uses the key’s id when the hash has none, and keeps unparseable values raw', () => {
    expect(decodeJob({ params: 'not json', attempts: 'x' }, 'from-key')).toEqual({
      job_id: 'from-key',
      status: '',
      invalid_json: { params: 'not json' },
      extra: { attempts: 'x' },
    });
  });
});

describe('differingFields', () => {
  const base = { job_id: 'j', status: 'pending', params: '{"to": "a", "n": [1, 2]}', result: '' };

  it('compares JSON fields as values: spacing, key order and 1.0 vs 1 are not differences', () => {
    expect(differingFields(base, { ...base, params: '{"n":[1,2],"to":"a"}' })).toEqual([]);
    expect(
      differingFields({ ...base, params: '{"x": 1.0}' }, { ...base, params: '{"x":1}' }),
    ).toEqual([]);
  });

  it('reports real differences, missing fields, and byte-compares plain fields', () => {
    expect(differingFields(base, { ...base, params: '{"n":[2,1],"to":"a"}' })).toEqual(['params']);
    expect(differingFields(base, { ...base, status: 'Pending' })).toEqual(['status']);
    const { result: _, ...withoutResult } = base;
    expect(differingFields(base, { ...withoutResult, extra: '1' })).toEqual(['extra', 'result']);
    expect(differingFields(base, { ...base, result: '{}' })).toEqual(['result']);
    expect(differingFields({ ...base, params: 'bad' }, { ...base, params: 'bad ' })).toEqual([
      'params',
    ]);
  });
});

describe('jsonEqual', () => {
  it('treats objects by keys, arrays by order, and never equates different kinds', () => {
    expect(jsonEqual({ a: 1, b: [1, { c: null }] }, { b: [1, { c: null }], a: 1 })).toBe(true);
    expect(jsonEqual([1, 2], [2, 1])).toBe(false);
    expect(jsonEqual({ 0: 'a' }, ['a'])).toBe(false);
    expect(jsonEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEqual(null, {})).toBe(false);
    expect(jsonEqual('1', 1)).toBe(false);
  });
});
