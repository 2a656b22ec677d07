import { useId } from 'react';
import { checkParams } from './json-params';

interface Props {
  label: string;
  value: string;
  onChange(value: string): void;
  /** An error from the core for this field, shown when the text itself is fine. */
  serverError?: string | undefined;
}

/** A JSON text area that validates on every keystroke and can tidy its text. */
export function JsonEditor({ label, value, onChange, serverError }: Props) {
  const id = useId();
  const check = checkParams(value);
  const error = !check.ok ? check.message : serverError;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        className="json-editor mono"
        rows={8}
        spellCheck={false}
        value={value}
        aria-invalid={Boolean(error)}
        aria-describedby={`${id}-status`}
        onChange={(e) => onChange(e.target.value)}
      />
      <div className="json-editor-status" id={`${id}-status`}>
        {error ? (
          <span className="field-error">{error}</span>
        ) : (
          <span className="ok-text">
            {check.ok && check.value ? 'Valid JSON object' : 'Empty: the job gets no params'}
          </span>
        )}
        {check.ok && check.value && (
          <button
            type="button"
            className="btn btn-ghost btn-small"
            onClick={() => onChange(JSON.stringify(check.value, null, 2))}
          >
            Format
          </button>
        )}
      </div>
    </div>
  );
}
