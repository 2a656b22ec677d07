import type { AuditEntry } from '../../../shared/contract';

export const CSV_COLUMNS = ['time', 'actor', 'operation', 'target', 'outcome', 'details'] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell that a spreadsheet would run as a formula (leading =, +,
 * -, @, tab, CR) is prefixed with ' so an actor name cannot execute on the reader's machine.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The audit entries as CSV text with a header row, CRLF line ends. */
export function auditToCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    lines.push(CSV_COLUMNS.map((column) => csvCell(entry[column] ?? '')).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function isFailure(entry: AuditEntry): boolean {
  return entry.outcome !== 'ok';
}

/** Saves text as a file through the browser's download (works in Electron and the web host). */
export function downloadText(filename: string, text: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
