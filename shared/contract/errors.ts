/**
 * The one error shape that crosses every door (IPC, HTTP, CLI JSON), docs/doors.md "Errors".
 * UNAUTHORIZED and FORBIDDEN are the doors' own refusals: the core never raises them.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'READ_ONLY',
  'REDIS_UNAVAILABLE',
  'INTERNAL',
  /** No or wrong session token (web host), or an IPC message from a frame that is not the console. */
  'UNAUTHORIZED',
  /** A request from a foreign Origin, or for a Host that is not a loopback name (web host). */
  'FORBIDDEN',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

/** How each error code surfaces at each door; the only place this mapping lives. */
export const ERROR_SURFACES: Record<ErrorCode, { exitCode: number; httpStatus: number }> = {
  VALIDATION: { exitCode: 2, httpStatus: 400 },
  NOT_FOUND: { exitCode: 3, httpStatus: 404 },
  CONFLICT: { exitCode: 3, httpStatus: 409 },
  READ_ONLY: { exitCode: 5, httpStatus: 403 },
  REDIS_UNAVAILABLE: { exitCode: 4, httpStatus: 503 },
  INTERNAL: { exitCode: 5, httpStatus: 500 },
  UNAUTHORIZED: { exitCode: 5, httpStatus: 401 },
  FORBIDDEN: { exitCode: 5, httpStatus: 403 },
};

export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && (ERROR_CODES as readonly unknown[]).includes(v.code);
}

/**
 * The exit code of a write the primary applied but no replica confirmed in time: neither done nor
 * failed, so a script can tell it apart and retry with the same request id (docs/topologies.md).
 */
export const UNCONFIRMED_EXIT_CODE = 6;

/** The command line's exit code for an error: by its code, and its own for an unconfirmed write. */
export function exitCodeOf(error: ApiError): number {
  return error.details?.outcome === 'unconfirmed'
    ? UNCONFIRMED_EXIT_CODE
    : ERROR_SURFACES[error.code].exitCode;
}
