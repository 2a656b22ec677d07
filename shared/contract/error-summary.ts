/**
 * A failed job's error in one line, read from its `result` (docs/triage.md, "Error column"). Workers
 * write errors in many shapes; the common ones are `{error, message}`, `{error: {code, message}}`,
 * `{error_message}` and `{reason}`. Anything else is shown as its compact JSON. Imports nothing, so
 * the core, the command line and the console share it.
 */

/** Longest summary kept: enough for a table cell's tooltip, small in a page of rows. */
export const ERROR_SUMMARY_MAX = 300;

const CODE_FIELDS = ['error', 'code', 'error_code', 'type', 'name'] as const;
const MESSAGE_FIELDS = ['message', 'error_message', 'detail', 'details', 'reason', 'description'];

function text(value: unknown): string | null {
  if (typeof value === 'string') return value.trim() || null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

function firstText(object: Record<string, unknown>, fields: readonly string[]): string | null {
  for (const field of fields) {
    const value = text(object[field]);
    if (value) return value;
  }
  return null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function oneLine(value: string): string {
  const flat = value.replace(/\s+/g, ' ').trim();
  return flat.length > ERROR_SUMMARY_MAX ? `${flat.slice(0, ERROR_SUMMARY_MAX - 1)}…` : flat;
}

/** "code: message", "message", or the result's compact JSON; null when there is nothing to show. */
export function errorSummary(result: unknown): string | null {
  if (result === null || result === undefined || result === '') return null;
  if (typeof result === 'string') {
    try {
      return errorSummary(JSON.parse(result));
    } catch {
      return oneLine(result);
    }
  }
  if (!isObject(result)) return oneLine(JSON.stringify(result));
  const nested = isObject(result.error) ? result.error : null;
  const source = nested ?? result;
  const code = firstText(source, CODE_FIELDS);
  const message =
    firstText(source, MESSAGE_FIELDS) ?? (nested ? firstText(result, MESSAGE_FIELDS) : null);
  if (code && message) return oneLine(message.startsWith(code) ? message : `${code}: ${message}`);
  if (code || message) return oneLine((code ?? message)!);
  return Object.keys(result).length ? oneLine(JSON.stringify(result)) : null;
}
