import { printableLine } from './printable';

/** Cell text longer than this is cut with an ellipsis; --json always has the full values. */
export const MAX_CELL = 60;

export function truncate(text: string, max = MAX_CELL): string {
  const oneLine = printableLine(text.replace(/\s*\n\s*/g, ' '));
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

/** A plain text table: a header row, then the rows, columns padded to their widest cell. */
export function table(headers: string[], cells: string[][]): string {
  // A value can hold a line break or an escape sequence: a cell stays one line of visible text.
  const rows = cells.map((row) => row.map(printableLine));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** "key: value" lines with aligned values. */
export function fieldList(pairs: Array<[string, string]>): string {
  const width = Math.max(0, ...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${`${k}:`.padEnd(width + 1)} ${v}`).join('\n');
}

export function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.001 ? 3 : 1)}%`;
}
