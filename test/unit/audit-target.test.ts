import { describe, expect, it } from 'vitest';
import { auditSubject } from '../../electron/core/audit-target';

describe('auditSubject', () => {
  it('names a generated job id from the result, not the workspace twice', () => {
    const input = { workspace_id: 'acme', actor_id: 'ops' };
    expect(auditSubject('enqueue', input, { outcome: 'enqueued', job_id: 'j-1' })).toEqual({
      target: 'acme/j-1',
    });
    expect(auditSubject('enqueue', input)).toMatchObject({ target: 'acme/(new job)' });
    expect(auditSubject('enqueue', input, { outcome: 'duplicate', job_id: 'j-0' })).toMatchObject({
      details: 'duplicate of j-0',
    });
  });

  it('names the job of a retry and the workspace of a workspace-wide write', () => {
    expect(
      auditSubject('retry', { job_id: 'j-2', workspace_id: 'acme', actor_id: 'ops' }).target,
    ).toBe('acme/j-2');
    expect(auditSubject('repair', { workspace_id: 'acme', actor_id: 'ops' }).target).toBe('acme');
    expect(auditSubject('setFlag', { value: 'on', actor_id: 'ops' }).target).toBe('new_schema=on');
  });

  it('never takes who acted from the input (docs/doors.md "The audit\'s actor")', () => {
    for (const op of [
      'setFlag',
      'enqueue',
      'enqueueMany',
      'updateStatus',
      'retry',
      'repair',
    ] as const) {
      const subject = auditSubject(op, { actor_id: 'ops-kim', job_id: 'j', value: 'on', jobs: [] });
      expect(JSON.stringify(subject), op).not.toContain('ops-kim');
    }
  });
});
