import type { DivergenceCategory, RepairResult } from '../../../shared/contract';

/** The repair input fields the audit reads (validated by the contract before it gets here). */
interface RepairAuditInput {
  workspace_id?: string;
  report_id?: string;
  categories?: DivergenceCategory[];
  backfill?: boolean;
  dry_run?: boolean;
}

const BACKFILL = 'missing_in_new, awaiting_backfill';

/**
 * A repair's or backfill's audit entry (docs/repair.md "Audit"): its scope (a workspace or all, the
 * categories, the report it worked from), whether it was a dry run, and its counts, so the trail
 * alone says what was written. A repair that stopped or lost replies is not recorded as plain `ok`.
 */
export function repairAudit(
  input: unknown,
  output: unknown,
): { target: string; details: string; outcome?: string } {
  const i = (input ?? {}) as RepairAuditInput;
  const o = output as RepairResult | undefined;
  const scope = i.workspace_id ? `workspace ${i.workspace_id}` : 'all workspaces';
  const report = i.report_id ?? o?.report_id ?? null;
  const categories = i.backfill ? BACKFILL : (i.categories?.join(', ') ?? 'all categories');
  const details = [
    i.backfill ? 'backfill' : 'repair',
    i.dry_run ? 'dry run: nothing written' : 'not a dry run',
    `scope: ${scope}`,
    `categories: ${categories}`,
    `report: ${report ?? 'none (a fresh check)'}`,
  ];
  if (o) {
    const planned = o.planned_count ?? o.planned.length;
    const skipped = o.skipped_count ?? o.skipped.length;
    const unknown = o.unknown_count ?? o.unknown?.length ?? 0;
    details.push(
      i.dry_run
        ? `planned ${planned}`
        : `planned ${planned}, applied ${o.applied}, skipped ${skipped}, unknown ${unknown}`,
    );
    if (o.stopped)
      details.push(`stopped at ${o.stopped.job_id ?? 'the report'}: ${o.stopped.error.message}`);
  }
  const outcome = o?.unknown_count
    ? 'unknown'
    : o?.stopped
      ? `${o.stopped.error.code}: stopped midway`
      : undefined;
  return {
    target: `${i.workspace_id ?? 'all workspaces'}${report ? ` (report ${report})` : ''}`,
    details: details.join('; '),
    ...(outcome ? { outcome } : {}),
  };
}
