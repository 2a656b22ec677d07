import { useId } from 'react';

/** The picker's value for "a workspace not listed yet". */
export const NEW_WORKSPACE = '\u0000new';

interface Props {
  /** Workspaces Queuescope knows (the "Workspaces" navigation's list). */
  known: string[];
  /** The chosen known workspace, or NEW_WORKSPACE. */
  choice: string;
  /** The id typed for a new workspace. */
  typed: string;
  onChoose(choice: string): void;
  onType(value: string): void;
  onBlur(): void;
  error?: string | null;
}

/**
 * The enqueue form's workspace (docs/console.md "Enqueue form"): one of the known workspaces, or,
 * as an explicit choice, a new one typed in, so a typo cannot quietly start a workspace.
 */
export function WorkspacePicker({ known, choice, typed, onChoose, onType, onBlur, error }: Props) {
  const id = useId();
  const isNew = choice === NEW_WORKSPACE;
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>Workspace</label>
      <select
        id={id}
        value={choice}
        aria-invalid={!isNew && Boolean(error)}
        onChange={(e) => onChoose(e.target.value)}
        onBlur={isNew ? undefined : onBlur}
      >
        {known.map((ws) => (
          <option key={ws} value={ws}>
            {ws}
          </option>
        ))}
        <option value={NEW_WORKSPACE}>New workspace…</option>
      </select>
      {isNew && (
        <input
          type="text"
          aria-label="New workspace id"
          placeholder="ws-acme"
          value={typed}
          autoFocus={known.length > 0}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? errorId : `${id}-hint`}
          onChange={(e) => onType(e.target.value)}
          onBlur={onBlur}
        />
      )}
      {error ? (
        <span className="field-error" id={errorId}>
          {error}
        </span>
      ) : (
        isNew && (
          <span className="muted field-hint" id={`${id}-hint`}>
            {known.length
              ? 'Not one of the known workspaces: its first job creates it.'
              : 'No workspace yet: the first job creates it.'}
          </span>
        )
      )}
    </div>
  );
}
