import type { AuditEntry, DivergenceReport } from '../../../shared/contract';
import { csvRow } from '../../../shared/csv';
import { divergentCount } from './reports';
import { table, truncate } from './table';

/** The columns of the console's audit export, in its order: one CSV for both doors. */
const AUDIT_CSV_COLUMNS = [
  'time',
  'actor',
  'operation',
  'target',
  'outcome',
  'details',
  'host_user',
] as const;

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

/** Formula-safe CSV (shared/csv.ts), CRLF line ends, as the console exports it. */
export function auditCsv(entries: AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) lines.push(csvRow(AUDIT_CSV_COLUMNS.map((c) => e[c] ?? '')));
  return `${lines.join('\r\n')}\r\n`;
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
