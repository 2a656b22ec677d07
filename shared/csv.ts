import type { AuditEntry } from './contract';

/**
 * CSV for every export of the console (audit, divergence report), docs/doors.md "Hostile input".
 * Job ids, hash field names, Redis keys and actor names come from other producers and from
 * people; a spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a
 * formula, so such a cell is prefixed with ' and shown as text.
 */
const FORMULA_START = /^[=+\-@\t\r\n]/;

/** One cell: formula-safe, then quoted as RFC 4180 asks when it holds a comma, quote or line break. */
export function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One line of cells, without its line end. */
export function csvRow(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(',');
}

/** The audit export's columns; the host's OS user last, so readers of the first six are not disturbed. */
export const AUDIT_CSV_COLUMNS = [
  'time',
  'actor',
  'operation',
  'target',
  'outcome',
  'details',
  'host_user',
] as const;

/** The audit entries as CSV with a header row and CRLF line ends: one export for every door. */
export function auditToCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    lines.push(csvRow(AUDIT_CSV_COLUMNS.map((column) => entry[column] ?? '')));
  }
  return `${lines.join('\r\n')}\r\n`;
}
