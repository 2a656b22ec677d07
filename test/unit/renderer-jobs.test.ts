import { describe, expect, it } from 'vitest';
import { checkParams } from '../../renderer/features/enqueue/json-params';
import { listInput } from '../../renderer/features/jobs/list-input';
import { syncText } from '../../shared/contract';
import { formatTime, utcTitle } from '../../renderer/ui/Time';
import { formatBytes } from '../../renderer/ui/JsonView';
import { hashOf, placeFromHash } from '../../renderer/app/place';

describe('Params editor verdict', () => {
  it('accepts a JSON object and an empty text (no params)', () => {
    expect(checkParams('{"to": "a"}')).toEqual({ ok: true, value: { to: 'a' } });
    expect(checkParams('  ')).toEqual({ ok: true, value: undefined });
  });
  it('says what is wrong with text that is not a JSON object', () => {
    expect(checkParams('{"to": ')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^Params is not valid JSON: /),
    });
    for (const [text, kind] of [
      ['[1]', 'an array'],
      ['null', 'null'],
      ['"x"', 'a string'],
      ['3', 'a number'],
    ]) {
      expect(checkParams(text!)).toEqual({
        ok: false,
        message: `Params must be a JSON object like {"to": "a@example.com"}, not ${kind}.`,
      });
    }
  });
});

describe('jobs list input', () => {
  it('leaves blank filters out, because the contract rejects empty strings', () => {
    expect(listInput('ws', { status: '', action: ' ', actor: '', prefix: '' })).toEqual({
      workspace_id: 'ws',
    });
    expect(
      listInput('ws', { status: 'failed', action: ' gmail ', actor: 'u1', prefix: '01a' }),
    ).toEqual({
      workspace_id: 'ws',
      status: 'failed',
      action: 'gmail',
      actor: 'u1',
      job_id_prefix: '01a',
    });
  });
});

describe('sync state text', () => {
  it('names each state and the differing fields', () => {
    expect(syncText({ state: 'in_sync' })).toBe('in sync');
    expect(syncText({ state: 'missing_in_new' })).toBe('missing in new');
    expect(syncText({ state: 'missing_in_old' })).toBe('missing in old');
    expect(syncText({ state: 'mismatch', fields: ['status', 'result'] })).toBe(
      'differs: status, result',
    );
    expect(syncText({ state: 'workspace_mismatch', old_workspace: 'b' })).toBe(
      'workspace differs (old: b)',
    );
  });
});

describe('time display', () => {
  it('gives UTC for the hover title and keeps unparseable text as it is', () => {
    expect(utcTitle('2026-01-02T03:04:05.678Z')).toBe('2026-01-02 03:04:05.678 UTC');
    expect(utcTitle('yesterday')).toBe('yesterday');
    expect(formatTime('not a time')).toBe('not a time');
  });
  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 kB');
    expect(formatBytes(1_048_576)).toBe('1.00 MB');
  });
});

describe('the URL hash names the screen and workspace', () => {
  it('reads and writes #/view/workspace', () => {
    expect(placeFromHash('#/jobs/ws-acme')).toEqual({ view: 'jobs', workspace: 'ws-acme' });
    expect(placeFromHash('#/metrics')).toEqual({ view: 'metrics', workspace: null });
    // The console opens on the overview (docs/triage.md "Overview").
    expect(placeFromHash('')).toEqual({ view: 'overview', workspace: null });
    expect(placeFromHash('#/nonsense/x')).toEqual({ view: 'overview', workspace: 'x' });
    expect(hashOf({ view: 'enqueue', workspace: 'a.b' })).toBe('#/enqueue/a.b');
    expect(placeFromHash(hashOf({ view: 'jobs', workspace: 'ws 1' }))).toEqual({
      view: 'jobs',
      workspace: 'ws 1',
    });
  });
});
