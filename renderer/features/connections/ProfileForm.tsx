import { useId, useRef, useState } from 'react';
import type { PasswordStorage, ProfileInput, ProfileView } from '../../../shared/contract/profiles';
import { ApiCallError } from '../../api/client';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useSaveProfile } from './queries';
import { SentinelPasswordField, sentinelPasswordInput } from './SentinelPasswordField';
import { TlsSettingsFields, tlsDraftOf, tlsInputOf } from './TlsSettingsFields';

interface Props {
  /** null for a new profile. */
  profile: ProfileView | null;
  /** Whether the app can keep a password on disk here; unknown until the list has loaded. */
  storage: PasswordStorage | undefined;
  onDone(): void;
}

const PASSWORD_STATE = {
  stored: 'A password is stored, encrypted by the system keychain (never shown).',
  session: 'A password is kept for this session only: it is forgotten when the app quits.',
  none: 'No password.',
} as const;

/**
 * One profile's fields. The password is write-only: the form says how one is kept and lets the user
 * replace or remove it, but never receives it. Its input is uncontrolled so the typed value lives
 * only in that one input, never in React state or an attribute. Where no keyring can encrypt it,
 * the password is kept for this session only, and the form says why (docs/desktop.md "Secrets").
 */
export function ProfileForm({ profile, storage, onDone }: Props) {
  const save = useSaveProfile();
  const [name, setName] = useState(profile?.name ?? '');
  const [url, setUrl] = useState(profile?.url ?? '');
  const [tls, setTls] = useState(profile?.tls ?? false);
  const [tlsDraft, setTlsDraft] = useState(() => tlsDraftOf(profile));
  const tlsOn = tls || /^rediss(\+sentinel)?:/i.test(url.trim());
  const tlsInput = tlsInputOf(tlsDraft, tlsOn);
  const [username, setUsername] = useState(profile?.username ?? '');
  const [removePassword, setRemovePassword] = useState(false);
  const canStore = storage?.can_store !== false;
  const [keeping, setKeeping] = useState<'stored' | 'session'>(
    profile?.password === 'session' || !canStore ? 'session' : 'stored',
  );
  const passwordRef = useRef<HTMLInputElement>(null);
  const sentinelPasswordRef = useRef<HTMLInputElement>(null);
  const [removeSentinelPassword, setRemoveSentinelPassword] = useState(false);
  const currentSentinel = profile?.sentinel_password ?? 'none';
  const sentinelUrl = /^rediss?\+sentinel:/i.test(url.trim());
  const current = profile?.password ?? 'none';
  const passwordId = useId();
  const targetChanged =
    profile !== null &&
    (url.trim() !== profile.url ||
      tls !== profile.tls ||
      (username.trim() || null) !== profile.username ||
      Object.entries(tlsInput).some(([k, v]) => profile[k as keyof typeof tlsInput] !== v));

  const submit = () => {
    const typed = passwordRef.current?.value ?? '';
    const sentinel = sentinelPasswordInput(
      currentSentinel,
      sentinelUrl,
      removeSentinelPassword,
      sentinelPasswordRef.current?.value ?? '',
    );
    const keepingInput = {
      password_keeping: keeping === 'stored' && canStore ? 'stored' : 'session',
    } as const;
    const input: ProfileInput = {
      ...(profile ? { id: profile.id } : {}),
      name: name.trim(),
      url: url.trim(),
      tls,
      ...tlsInput,
      username: username.trim() || null,
      ...(removePassword ? { password: null } : typed ? { password: typed, ...keepingInput } : {}),
      ...sentinel,
      ...(sentinel.sentinel_password ? keepingInput : {}),
    };
    save.mutate(input, {
      onSuccess: () => {
        if (passwordRef.current) passwordRef.current.value = '';
        if (sentinelPasswordRef.current) sentinelPasswordRef.current.value = '';
        onDone();
      },
    });
  };

  return (
    <form
      className="form"
      aria-label={profile ? `Edit ${profile.name}` : 'New connection'}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <label className="field">
        <span>Name</span>
        <input value={name} required maxLength={100} onChange={(e) => setName(e.target.value)} />
      </label>
      <div className="field">
        <label htmlFor={`${passwordId}-url`}>Redis URL</label>
        <input
          id={`${passwordId}-url`}
          value={url}
          required
          spellCheck={false}
          placeholder="redis://host:6379/0"
          aria-describedby={`${passwordId}-url-hint`}
          onChange={(e) => setUrl(e.target.value)}
        />
        <small className="muted" id={`${passwordId}-url-hint`}>
          Behind Sentinel: redis+sentinel://host:26379,host:26380/mymaster (?db=N for a database)
        </small>
      </div>
      <label className="checkbox-field">
        <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} />
        <span>TLS</span>
      </label>
      <TlsSettingsFields draft={tlsDraft} tlsOn={tlsOn} onChange={setTlsDraft} />
      <label className="field">
        <span>Username</span>
        <input
          value={username}
          autoComplete="off"
          placeholder="default"
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <div className="field">
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          ref={passwordRef}
          type="password"
          autoComplete="new-password"
          disabled={removePassword}
          placeholder={current === 'none' ? 'None' : 'Leave empty to keep the current password'}
        />
        <p className="muted password-state" aria-live="polite">
          {removePassword ? 'The password will be removed.' : PASSWORD_STATE[current]}
        </p>
        {targetChanged && current !== 'none' && !removePassword && (
          <p className="warning-text password-state" role="note">
            The host, port, database, user, TLS or its settings changed: the current password is not
            sent to the new target. Type it again, or remove it.
          </p>
        )}
        {current !== 'none' && (
          <label className="checkbox-field">
            <input
              type="checkbox"
              checked={removePassword}
              onChange={(e) => setRemovePassword(e.target.checked)}
            />
            <span>Remove the password</span>
          </label>
        )}
      </div>
      <SentinelPasswordField
        current={currentSentinel}
        sentinelUrl={sentinelUrl}
        targetChanged={targetChanged}
        remove={removeSentinelPassword}
        onRemoveChange={setRemoveSentinelPassword}
        inputRef={sentinelPasswordRef}
      />
      <fieldset
        className="password-keeping"
        disabled={removePassword && (!sentinelUrl || removeSentinelPassword)}
      >
        <legend>Keep a new password{sentinelUrl ? ' or sentinel password' : ''}</legend>
        <label className="checkbox-field">
          <input
            type="radio"
            name="password-keeping"
            checked={keeping === 'stored' && canStore}
            disabled={!canStore}
            onChange={() => setKeeping('stored')}
          />
          <span>Stored, encrypted by the system keychain</span>
        </label>
        <label className="checkbox-field">
          <input
            type="radio"
            name="password-keeping"
            checked={keeping === 'session' || !canStore}
            onChange={() => setKeeping('session')}
          />
          <span>For this session only (never written to disk)</span>
        </label>
        {!canStore && storage?.reason && (
          <p className="muted password-state" role="note">
            {storage.reason}
          </p>
        )}
      </fieldset>
      {save.isError && (
        <ErrorNote
          error={save.error}
          // Saved, but the profile in use did not reconnect: the message says so itself.
          prefix={
            save.error instanceof ApiCallError && save.error.details?.saved
              ? undefined
              : 'Could not save:'
          }
        />
      )}
      <div className="dialog-footer">
        <Button onClick={onDone}>Back</Button>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
