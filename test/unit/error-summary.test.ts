import { describe, expect, it } from 'vitest';
import { errorSummary, ERROR_SUMMARY_MAX } from '../../shared/contract/error-summary';
import { caselessGlob, jobIdOfKey } from '../../electron/core/triage/find-job';

/** docs/triage.md "Error column": one line from the shapes workers write. */
describe('errorSummary', () => {
  it.each([
    [{ error: 'invalid_grant', message: 'Token expired' }, 'invalid_grant: Token expired'],
    [{ error: { code: 'E42', message: 'boom' } }, 'E42: boom'],
    [{ error: { message: 'nested only' }, attempt_ms: 3 }, 'nested only'],
    [{ error_message: 'just text' }, 'just text'],
    [{ reason: 'quota\n  exceeded' }, 'quota exceeded'],
    [{ error: 'timeout' }, 'timeout'],
    [{ error: 'E1', message: 'E1: already prefixed' }, 'E1: already prefixed'],
    [{ status: 500, body: 'x' }, '{"status":500,"body":"x"}'],
    ['{"error":"from text","message":"parsed"}', 'from text: parsed'],
    ['plain words', 'plain words'],
    [{}, null],
    ['', null],
    [null, null],
  ])('%j -> %j', (result, expected) => {
    expect(errorSummary(result)).toBe(expected);
  });

  it('cuts a long error to one bounded line', () => {
    const summary = errorSummary({ message: 'x'.repeat(5000) })!;
    expect(summary).toHaveLength(ERROR_SUMMARY_MAX);
    expect(summary.endsWith('…')).toBe(true);
  });
});

describe('findJob patterns (docs/triage.md "Find any job")', () => {
  it('matches letters in any case and takes glob characters literally', () => {
    expect(caselessGlob('ab-1')).toBe('[aA][bB]-1');
    expect(caselessGlob('*?[]\\')).toBe('\\*\\?\\[\\]\\\\');
  });

  it('reads the job id from either schema key, and nothing else', () => {
    expect(jobIdOfKey('ai:jobs:j-1')).toBe('j-1');
    expect(jobIdOfKey('ai:job:ws-1:j-1')).toBe('j-1');
    expect(jobIdOfKey('ai:job:ws-1:a:b')).toBe('a:b');
    expect(jobIdOfKey('ai:jobsX')).toBeNull();
    expect(jobIdOfKey('ai:qs:idx:ws-1')).toBeNull();
  });
});
