/**
 * Characters that act on a terminal instead of showing: C0 controls (ESC starts the sequences that
 * clear the screen or set the window title, CR overwrites a line), DEL, C1 controls (0x9b is a
 * one-byte CSI), Unicode line separators and the bidi overrides that reorder what is shown.
 * Job fields come from other producers, so text output shows them escaped (docs/doors.md
 * "Hostile input"); --json output is escaped by JSON itself.
 */
const UNPRINTABLE =
  // eslint-disable-next-line no-control-regex -- finding control characters is its purpose
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  if (char === '\t') return '\\t';
  if (char === '\r') return '\\r';
  if (char === '\n') return '\\n';
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** Text for the terminal: every control character escaped except the line breaks of the layout. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, escape);
}

/** A value inside one line (a table cell): line breaks escaped too. */
export function printableLine(text: string): string {
  return printable(text).replace(/\n/g, escape);
}
