import { describe, expect, it } from 'vitest';
import { globParts } from '../../electron/core/cluster/scatter';
import { caselessGlob } from '../../electron/core/triage/find-job';

/** docs/topologies.md "Redis Cluster": a SCAN MATCH pattern on a cluster walk matches as Redis's. */
describe('SCAN MATCH patterns on a cluster walk', () => {
  it('takes the literal start as the walk prefix', () => {
    expect(globParts('ai:job*').prefix).toBe('ai:job');
    expect(globParts('ai:qs:enq:intent:*').prefix).toBe('ai:qs:enq:intent:');
    expect(globParts('a\\*b*').prefix).toBe('a*b');
  });

  it('matches as Redis globs do: *, ?, classes, escapes', () => {
    const { match } = globParts(`ai:job*${caselessGlob('Ab-1.*')}*`);
    expect(match.test('ai:jobs:xx-ab-1.*-y')).toBe(true);
    expect(match.test('ai:job:ws:AB-1.*')).toBe(true);
    expect(match.test('ai:jobs:ab-1x*')).toBe(false);
    expect(globParts('k?y').match.test('key')).toBe(true);
    expect(globParts('k?y').match.test('kaay')).toBe(false);
    expect(globParts('k[a-c]y').match.test('kby')).toBe(true);
    expect(globParts('k[^a]y').match.test('kay')).toBe(false);
  });
});
