import { useId, type RefObject } from 'react';
import type { PasswordKeeping } from '../../../shared/contract/profiles';

const SENTINEL_PASSWORD_STATE = {
  stored: 'A sentinel password is stored, encrypted by the system keychain (never shown).',
  session: 'A sentinel password is kept for this session only: it is forgotten when the app quits.',
  none: 'No sentinel password.',
} as const;

interface Props {
  /** How the profile's sentinel password is kept now ('none' for a new profile). */
  current: PasswordKeeping;
  /** The URL is redis+sentinel:// or rediss+sentinel://; the field applies only then. */
  sentinelUrl: boolean;
  /** The target changed since the profile was saved: a kept sentinel password is not sent. */
  targetChanged: boolean;
  remove: boolean;
  onRemoveChange(remove: boolean): void;
  inputRef: RefObject<HTMLInputElement | null>;
}

/**
 * The sentinels' own password (`requirepass` on the sentinels), never in the URL, which is saved as
 * plain text. Write-only like the password, and kept the way the form's choice below says
 * (docs/desktop.md "Secrets").
 */
export function SentinelPasswordField(props: Props) {
  const { current, sentinelUrl, targetChanged, remove, onRemoveChange, inputRef } = props;
  const id = useId();
  const state = !sentinelUrl
    ? current === 'none'
      ? null
      : 'The sentinel password will be removed: the URL is not a Sentinel URL.'
    : remove
      ? 'The sentinel password will be removed.'
      : SENTINEL_PASSWORD_STATE[current];
  return (
    <div className="field">
      <label htmlFor={id}>Sentinel password</label>
      <input
        id={id}
        ref={inputRef}
        type="password"
        autoComplete="new-password"
        disabled={!sentinelUrl || remove}
        aria-describedby={`${id}-hint`}
        placeholder={
          current === 'none' ? 'None' : 'Leave empty to keep the current sentinel password'
        }
      />
      <small className="muted" id={`${id}-hint`}>
        Only for a Sentinel URL (redis+sentinel://…): the password the sentinels themselves require,
        not the primary&apos;s. Kept like the password, never in the URL.
      </small>
      {state && (
        <p className="muted password-state" aria-live="polite">
          {state}
        </p>
      )}
      {sentinelUrl && targetChanged && current !== 'none' && !remove && (
        <p className="warning-text password-state" role="note">
          The sentinels, master name, database, user or TLS changed: the current sentinel password
          is not sent to them. Type it again, or remove it.
        </p>
      )}
      {sentinelUrl && current !== 'none' && (
        <label className="checkbox-field">
          <input
            type="checkbox"
            checked={remove}
            onChange={(e) => onRemoveChange(e.target.checked)}
          />
          <span>Remove the sentinel password</span>
        </label>
      )}
    </div>
  );
}

/** What the form sends for the sentinel password: a new one, null to remove it, or nothing. */
export function sentinelPasswordInput(
  current: PasswordKeeping,
  sentinelUrl: boolean,
  remove: boolean,
  typed: string,
): { sentinel_password?: string | null } {
  if (!sentinelUrl) return current === 'none' ? {} : { sentinel_password: null };
  if (remove) return { sentinel_password: null };
  return typed ? { sentinel_password: typed } : {};
}
