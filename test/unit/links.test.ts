import { describe, expect, it } from 'vitest';
import { applyLink, hashOf, linkFromHash, registerLinkPart } from '../../renderer/app/place';

/** docs/triage.md "Links": a screen's own state rides in the link after its workspace. */
describe('links', () => {
  it('reads the screen, the workspace, what follows and the parameters', () => {
    const link = linkFromHash('#/jobs/ws%20a/01HZ%3A1?status=failed&actor=al');
    expect(link).toMatchObject({ view: 'jobs', workspace: 'ws a', rest: ['01HZ:1'] });
    expect(Object.fromEntries(link.params)).toEqual({ status: 'failed', actor: 'al' });
    expect(linkFromHash('#/metrics?window=6h')).toMatchObject({ view: 'metrics', workspace: null });
    expect(linkFromHash('#/queue/%E0%A4%A')).toMatchObject({
      view: 'queue',
      workspace: '%E0%A4%A',
    });
  });

  it("writes and reads back a screen's registered part, only on that screen", () => {
    let state = { job: 'j-1', q: 'gmail send' };
    const read: string[] = [];
    registerLinkPart({
      view: 'audit',
      write: () => ({ rest: [state.job], params: { q: state.q, empty: '' } }),
      read: (link) => read.push(`${link.rest[0]}|${link.params.get('q')}`),
    });
    const hash = hashOf({ view: 'audit', workspace: 'ws-1' });
    expect(hash).toBe('#/audit/ws-1/j-1?q=gmail+send');
    expect(hashOf({ view: 'divergence', workspace: 'ws-1' })).toBe('#/divergence/ws-1');
    state = { job: 'j-2', q: '' };
    applyLink(hash);
    applyLink('#/divergence/ws-1/x');
    expect(read).toEqual(['j-1|gmail send']);
  });
});
