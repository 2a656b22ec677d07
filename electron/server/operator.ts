import type { IncomingMessage } from 'node:http';
import { OPERATOR_HEADER, type ApiError } from '../../shared/contract';

/** Recorded as the actor when a browser (or a script) declares no operator name. */
export const UNDECLARED_OPERATOR = 'undeclared';

const MAX_NAME = 256;
/** Controls, line breaks and bidi overrides: they would let a name forge or reorder audit text. */
// eslint-disable-next-line no-control-regex -- finding control characters is its purpose
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function refused(message: string): { ok: false; error: ApiError } {
  return {
    ok: false,
    error: { code: 'VALIDATION', message, details: { field: OPERATOR_HEADER } },
  };
}

/**
 * The operator name the browser declares (docs/doors.md "The audit's actor"): percent-encoded UTF-8
 * in the x-queuescope-operator header, 1-256 printable characters. The web host records it as the
 * actor beside its own OS user; an actor_id in the request body never is.
 */
export function declaredOperator(
  req: Pick<IncomingMessage, 'headers'>,
): { ok: true; name: string } | { ok: false; error: ApiError } {
  const raw = req.headers[OPERATOR_HEADER];
  if (raw === undefined) return { ok: true, name: UNDECLARED_OPERATOR };
  if (typeof raw !== 'string') return refused(`Send one ${OPERATOR_HEADER} header, not several.`);
  let name: string;
  try {
    name = decodeURIComponent(raw).trim();
  } catch {
    return refused(
      `${OPERATOR_HEADER} must be the operator's name, percent-encoded as UTF-8 (encodeURIComponent).`,
    );
  }
  if (name === '') return { ok: true, name: UNDECLARED_OPERATOR };
  if (name.length > MAX_NAME)
    return refused(`${OPERATOR_HEADER} must be at most ${MAX_NAME} characters.`);
  if (UNPRINTABLE.test(name))
    return refused(`${OPERATOR_HEADER} must not contain control characters or line breaks.`);
  return { ok: true, name };
}
