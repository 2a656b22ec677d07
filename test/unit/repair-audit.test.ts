import { describe, expect, it } from 'vitest';
import type { RepairResult } from '../../shared/contract';
import { auditSubject } from '../../electron/core/audit-target';

const result = (over: Partial<RepairResult> = {}): RepairResult => ({
  dry_run: false,
  planned: [],
  applied: 3,
  skipped: [{ job_id: 'j9', reason: 'changed since the check' }],
  skipped_count: 1,
  planned_count: 4,
  report_id: 'r-1',
  ...over,
});

/** docs/repair.md "Audit": scope, dry run or not, counts. */
describe('the audit entry of a repair or backfill', () => {
  it('records the scope, the categories, the report, that it wrote, and its counts', () => {
    const subject = auditSubject(
      'repair',
      { workspace_id: 'ws-a', categories: ['mismatch'], report_id: 'r-1', dry_run: false },
      result(),
    );
    expect(subject).toEqual({
      target: 'ws-a (report r-1)',
      details:
        'repair; not a dry run; scope: workspace ws-a; categories: mismatch; report: r-1; planned 4, applied 3, skipped 1, unknown 0',
    });
  });

  it('says backfill and dry run, and names the report a fresh check kept', () => {
    const subject = auditSubject(
      'repair',
      { backfill: true, dry_run: true },
      result({ dry_run: true, applied: 0, report_id: 'r-fresh' }),
    );
    expect(subject.target).toBe('all workspaces (report r-fresh)');
    expect(subject.details).toBe(
      'backfill; dry run: nothing written; scope: all workspaces; categories: missing_in_new, awaiting_backfill; report: r-fresh; planned 4',
    );
    expect(subject.outcome).toBeUndefined();
  });

  it('is not a plain ok when fixes lost their replies or the repair stopped', () => {
    const error = { code: 'INTERNAL' as const, message: 'OOM command not allowed' };
    expect(
      auditSubject('repair', { dry_run: false }, result({ unknown_count: 2, unknown: [] })).outcome,
    ).toBe('unknown');
    const stopped = auditSubject(
      'repair',
      { dry_run: false },
      result({ stopped: { job_id: 'j4', error } }),
    );
    expect(stopped.outcome).toBe('INTERNAL: stopped midway');
    expect(stopped.details).toContain('stopped at j4: OOM command not allowed');
  });

  it('a repair that failed outright still records its scope', () => {
    expect(auditSubject('repair', { workspace_id: 'ws-b', dry_run: false }).details).toBe(
      'repair; not a dry run; scope: workspace ws-b; categories: all categories; report: none (a fresh check)',
    );
  });
});
