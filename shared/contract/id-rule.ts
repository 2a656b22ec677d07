/**
 * The identifier and short-text rules with their messages, in a module that imports nothing (no
 * zod), so the console checks a field as it is typed with the very words the core answers with
 * (docs/operations.md, "Identifiers and input"). ids.ts builds the contract's schemas from these.
 */

/** 1–128 chars of [A-Za-z0-9._-], first char alphanumeric. Keeps ids inside the key schema. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const ID_RULE =
  "1–128 characters of letters, digits, '.', '_' or '-', starting with a letter or digit";
export const SHORT_TEXT_MAX = 256;

/** A value as an error message quotes it. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string')
    return value.length > 40 ? `"${value.slice(0, 40)}…"` : JSON.stringify(value);
  return typeof value;
}

/** The contract's message for an identifier that breaks the rule, or null when it is fine. */
export function idProblem(field: string, value: string): string | null {
  return ID_PATTERN.test(value) ? null : `${field} must be ${ID_RULE} (got ${describe(value)})`;
}

/** The contract's message for a short text (provider, action, actor) that breaks its rule. */
export function shortTextProblem(field: string, value: string): string | null {
  if (value.length === 0) return `${field} must not be empty`;
  if (value.length > SHORT_TEXT_MAX) return `${field} must be at most ${SHORT_TEXT_MAX} characters`;
  return null;
}
