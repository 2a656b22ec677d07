/** The Params editor's verdict on its text: the parsed object, or what is wrong with it. */
export type ParamsCheck =
  { ok: true; value: Record<string, unknown> | undefined } | { ok: false; message: string };

export function checkParams(text: string): ParamsCheck {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `Params is not valid JSON: ${(error as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
    return {
      ok: false,
      message: `Params must be a JSON object like {"to": "a@example.com"}, not ${kind}.`,
    };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
