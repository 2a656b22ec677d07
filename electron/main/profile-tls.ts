import type { ProfileInput } from '../../shared/contract/profiles';
import { ValidationError } from '../core/errors';
import { NO_TLS_SETTINGS, type ProfileTarget } from './profile-target';

type TlsSettingsFields = Pick<
  ProfileTarget,
  'tls_ca' | 'tls_cert' | 'tls_key' | 'tls_servername' | 'tls_insecure'
>;

const text = (value: string | null | undefined): string | null => value?.trim() || null;

/**
 * A profile's TLS settings as saved (docs/desktop.md "Connection profiles"): the paths are kept as
 * typed and read when connecting. Settings on a plaintext profile are refused, as the command line
 * refuses --tls-* on a redis:// URL: they would be ignored, or turn TLS on behind the switch's back.
 */
export function tlsSettingsOf(input: ProfileInput, tls: boolean): TlsSettingsFields {
  const settings: TlsSettingsFields = {
    tls_ca: text(input.tls_ca),
    tls_cert: text(input.tls_cert),
    tls_key: text(input.tls_key),
    tls_servername: text(input.tls_servername),
    tls_insecure: input.tls_insecure ?? false,
  };
  const given = Object.entries(settings).find(([, value]) => value !== null && value !== false);
  if (given && !tls) {
    throw new ValidationError(
      `${given[0]} is a TLS setting, and this profile connects without TLS: turn TLS on (or write the URL as rediss://…), or leave the TLS settings empty.`,
      { field: given[0] },
    );
  }
  if (Boolean(settings.tls_cert) !== Boolean(settings.tls_key)) {
    throw new ValidationError(
      'A TLS client certificate needs its key, and a key its certificate: give both, or neither.',
      { field: settings.tls_cert ? 'tls_key' : 'tls_cert' },
    );
  }
  return settings;
}

/** The settings of a profile read from disk; files written before they existed have none. */
export function tlsSettingsFromFile(p: Partial<Record<keyof TlsSettingsFields, unknown>>) {
  const path = (value: unknown) => (typeof value === 'string' && value.trim() ? value : null);
  return {
    ...NO_TLS_SETTINGS,
    tls_ca: path(p.tls_ca),
    tls_cert: path(p.tls_cert),
    tls_key: path(p.tls_key),
    tls_servername: path(p.tls_servername),
    // Only a clear true: an unverified connection is never the result of a misread file.
    tls_insecure: p.tls_insecure === true,
  };
}
