import { useId } from 'react';
import type { ProfileView } from '../../../shared/contract/profiles';

/** The profile's TLS settings as the form edits them: text as typed, and the insecure switch. */
export interface TlsSettingsDraft {
  tls_ca: string;
  tls_cert: string;
  tls_key: string;
  tls_servername: string;
  tls_insecure: boolean;
}

export function tlsDraftOf(profile: ProfileView | null): TlsSettingsDraft {
  return {
    tls_ca: profile?.tls_ca ?? '',
    tls_cert: profile?.tls_cert ?? '',
    tls_key: profile?.tls_key ?? '',
    tls_servername: profile?.tls_servername ?? '',
    tls_insecure: profile?.tls_insecure ?? false,
  };
}

/** What is sent: nothing but nulls when the profile connects without TLS. */
export function tlsInputOf(draft: TlsSettingsDraft, tlsOn: boolean) {
  const text = (value: string) => (tlsOn ? value.trim() || null : null);
  return {
    tls_ca: text(draft.tls_ca),
    tls_cert: text(draft.tls_cert),
    tls_key: text(draft.tls_key),
    tls_servername: text(draft.tls_servername),
    tls_insecure: tlsOn && draft.tls_insecure,
  };
}

/** The same words as the command line's flags (electron/cli/tls-flags.ts). */
const TEXT_FIELDS = [
  ['tls_ca', 'CA file', '--tls-ca', "PEM file of the CA that signed the server's certificate"],
  [
    'tls_cert',
    'Client certificate',
    '--tls-cert',
    'PEM client certificate, for servers that require one',
  ],
  ['tls_key', 'Client key', '--tls-key', "the client certificate's PEM key"],
  [
    'tls_servername',
    'Server name',
    '--tls-servername',
    "the name the server's certificate must carry (and SNI)",
  ],
] as const;

interface Props {
  draft: TlsSettingsDraft;
  /** TLS is on (switch or rediss://); the settings apply only then. */
  tlsOn: boolean;
  onChange(draft: TlsSettingsDraft): void;
}

/**
 * "Advanced TLS": the settings the command line takes as --tls-* flags (docs/desktop.md
 * "Connection profiles"). Paths are kept as typed and read when connecting.
 */
export function TlsSettingsFields({ draft, tlsOn, onChange }: Props) {
  const id = useId();
  const anySet = Object.values(tlsInputOf(draft, true)).some((v) => v !== null && v !== false);
  return (
    <details className="tls-settings" open={anySet || undefined}>
      <summary>Advanced TLS</summary>
      {!tlsOn && (
        <p className="muted password-state" role="note">
          These apply to TLS connections: turn TLS on, or write the URL as rediss://….
        </p>
      )}
      <fieldset disabled={!tlsOn}>
        {TEXT_FIELDS.map(([field, label, flag, hint]) => (
          <div className="field" key={field}>
            <label htmlFor={`${id}-${field}`}>
              {label} <code>{flag}</code>
            </label>
            <input
              id={`${id}-${field}`}
              value={draft[field]}
              spellCheck={false}
              autoComplete="off"
              aria-describedby={`${id}-${field}-hint`}
              placeholder={
                field === 'tls_servername' ? 'the host connected to' : '/path/to/file.pem'
              }
              onChange={(e) => onChange({ ...draft, [field]: e.target.value })}
            />
            <small className="muted" id={`${id}-${field}-hint`}>
              {hint}
            </small>
          </div>
        ))}
        <label className="checkbox-field">
          <input
            type="checkbox"
            checked={draft.tls_insecure}
            onChange={(e) => onChange({ ...draft, tls_insecure: e.target.checked })}
          />
          <span>
            Do not verify the server certificate <code>--tls-insecure</code> (testing only)
          </span>
        </label>
      </fieldset>
    </details>
  );
}
