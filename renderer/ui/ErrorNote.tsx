import { ApiCallError } from '../api/client';

/** The core's own error message, with its code: what went wrong and what to do. */
export function ErrorNote({ error, prefix }: { error: unknown; prefix?: string }) {
  if (!error) return null;
  const code = error instanceof ApiCallError ? error.code : null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="error-note" role="alert">
      {code && <span className="error-code">{code}</span>}
      {prefix && <strong>{prefix} </strong>}
      <span>{message}</span>
    </div>
  );
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
