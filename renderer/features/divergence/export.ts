import type { DivergenceReport } from '../../../shared/contract';
import { csvRow } from '../../../shared/csv';

const CSV_COLUMNS = [
  'category',
  'job_id',
  'workspace_id',
  'fields',
  'old_workspace',
  'key',
] as const;

/** The report's items as CSV (one row per divergent job), header first, formula-safe cells. */
export function reportCsv(report: DivergenceReport): string {
  const rows = report.items.map((item) =>
    csvRow(CSV_COLUMNS.map((c) => (c === 'fields' ? (item.fields ?? []).join(' ') : item[c]))),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\n') + '\n';
}

/** Offers text as a file download. */
export function download(name: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
