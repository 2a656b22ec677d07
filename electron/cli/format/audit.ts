import type { AuditEntry, DivergenceReport } from '../../../shared/contract';
import { divergentCount } from './reports';
import { table, truncate } from './table';

export function auditText(entries: AuditEntry[]): string {
  if (entries.length === 0) return 'No audited action matches.';
  return table(
    ['TIME', 'ACTOR', 'OPERATION', 'TARGET', 'OUTCOME', 'DETAILS'],
    entries.map((e) => [
      e.time,
      e.host_user ? `${e.actor} (host user ${e.host_user})` : e.actor,
      e.operation,
      truncate(e.target, 40),
      truncate(e.outcome, 40),
      truncate(e.details ?? '', 60),
    ]),
  );
}

export function reportsText(reports: DivergenceReport[]): string {
  if (reports.length === 0) return 'No divergence report kept yet. Run `queuescope divergence`.';
  return table(
    ['ID', 'SCOPE', 'STATE', 'STARTED', 'JOBS', 'DIVERGENT', 'AWAITING BACKFILL'],
    reports.map((r) => [
      r.id,
      r.workspace_id ?? 'all',
      r.state,
      r.started_at,
      String(r.scanned),
      String(divergentCount(r)),
      String(r.counts.awaiting_backfill ?? 0),
    ]),
  );
}
