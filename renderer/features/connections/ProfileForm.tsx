import { useId, useRef, useState } from 'react';
import type { ProfileInput, ProfilesApi, ProfileView } from '../../../electron/preload/desktop-api';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useSaveProfile } from './queries';

interface Props {
  profiles: ProfilesApi;
  /** null for a new profile. */
  profile: ProfileView | null;
  onDone(): void;
}

/**
 * One profile's fields. The password is write-only: the form says whether one is stored and lets
 * the user replace or remove it, but never receives it. Its input is uncontrolled so the typed
 * value lives only in that one input, never in React state or an attribute.
 */
export function ProfileForm({ profiles, profile, onDone }: Props) {
  const save = useSaveProfile(profiles);
  const [name, setName] = useState(profile?.name ?? '');
  const [url, setUrl] = useState(profile?.url ?? '');
  const [tls, setTls] = useState(profile?.tls ?? false);
  const [username, setUsername] = useState(profile?.username ?? '');
  const [removePassword, setRemovePassword] = useState(false);
  const passwordRef = useRef<HTMLInputElement>(null);
  const stored = profile?.has_password ?? false;
  const passwordId = useId();

  const submit = () => {
    const typed = passwordRef.current?.value ?? '';
    const input: ProfileInput = {
      ...(profile ? { id: profile.id } : {}),
      name: name.trim(),
      url: url.trim(),
      tls,
      username: username.trim() || null,
      ...(removePassword ? { password: null } : typed ? { password: typed } : {}),
    };
    save.mutate(input, {
      onSuccess: () => {
        if (passwordRef.current) passwordRef.current.value = '';
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
      <label className="field">
        <span>Redis URL</span>
        <input
          value={url}
          required
          spellCheck={false}
          placeholder="redis://host:6379/0"
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label className="checkbox-field">
        <input type="checkbox" checked={tls} onChange={(e) => setTls(e.target.checked)} />
        <span>TLS</span>
      </label>
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
          placeholder={stored ? 'Leave empty to keep the stored password' : 'None'}
        />
        <p className="muted password-state" aria-live="polite">
          {stored
            ? removePassword
              ? 'The stored password will be removed.'
              : 'A password is stored (never shown). Type a new one to replace it.'
            : 'No password stored.'}
        </p>
        {stored && (
          <label className="checkbox-field">
            <input
              type="checkbox"
              checked={removePassword}
              onChange={(e) => setRemovePassword(e.target.checked)}
            />
            <span>Remove stored password</span>
          </label>
        )}
      </div>
      {save.isError && <ErrorNote error={save.error} prefix="Could not save:" />}
      <div className="dialog-footer">
        <Button onClick={onDone}>Back</Button>
        <Button type="submit" variant="primary" disabled={save.isPending}>
          Save
        </Button>
      </div>
    </form>
  );
}
