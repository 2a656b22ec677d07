import type { AuditEntry } from '../../../shared/contract';
import { csvCell, csvRow } from '../../../shared/csv';

export { csvCell };

/** The host's OS user comes last, so readers of the first six columns are not disturbed. */
export const CSV_COLUMNS = [
  'time',
  'actor',
  'operation',
  'target',
  'outcome',
  'details',
  'host_user',
] as const;

/** The audit entries as CSV text with a header row, CRLF line ends. */
export function auditToCsv(entries: AuditEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const entry of entries) {
    lines.push(csvRow(CSV_COLUMNS.map((column) => entry[column] ?? '')));
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
