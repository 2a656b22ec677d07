import type { AuditEntry } from '../../../shared/contract';
import { auditToCsv, csvCell } from '../../../shared/csv';

export { auditToCsv, csvCell };

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
