import { ValidationError } from '../core/errors';
import { parseRedisAddress, type SentinelAddress } from '../core/redis/address';
import type { TlsSettings } from '../core/redis/connection';
import { redactRedisUrl } from '../core/redis/redact';

/** What a profile points at, and how: the URL without credentials, the user, TLS and its settings. */
export interface ProfileTarget {
  url: string;
  tls: boolean;
  username: string | null;
  /** As the command line's --tls-ca, --tls-cert, --tls-key: paths, read when connecting. */
  tls_ca: string | null;
  tls_cert: string | null;
  tls_key: string | null;
  /** As --tls-servername. */
  tls_servername: string | null;
  /** As --tls-insecure. */
  tls_insecure: boolean;
}

/** The TLS settings of a profile that has none. */
export const NO_TLS_SETTINGS = {
  tls_ca: null,
  tls_cert: null,
  tls_key: null,
  tls_servername: null,
  tls_insecure: false,
} as const;

/** Whether the URL names a Sentinel-managed primary (redis+sentinel:// or rediss+sentinel://). */
export const isSentinelUrl = (url: string) => /^rediss?\+sentinel:/i.test(url);

/** Whether the profile connects over TLS: its switch, or a rediss:// or rediss+sentinel:// URL. */
export function usesTls(target: ProfileTarget): boolean {
  return target.tls || /^rediss(\+sentinel)?:/i.test(target.url);
}

/** The core's connection setting for the profile: off, on, or on with the profile's settings. */
export function tlsConnectionOf(target: ProfileTarget): boolean | TlsSettings {
  if (!usesTls(target)) return false;
  const settings: TlsSettings = {
    ...(target.tls_ca ? { caFile: target.tls_ca } : {}),
    ...(target.tls_cert ? { certFile: target.tls_cert } : {}),
    ...(target.tls_key ? { keyFile: target.tls_key } : {}),
    ...(target.tls_servername ? { servername: target.tls_servername } : {}),
    ...(target.tls_insecure ? { insecure: true } : {}),
  };
  return Object.keys(settings).length ? settings : true;
}

/** The TLS part of the identity: what is trusted and who we are to the server. */
function tlsIdentity(target: ProfileTarget): unknown[] {
  if (!usesTls(target)) return [false];
  return [
    true,
    target.tls_ca,
    target.tls_cert,
    target.tls_key,
    target.tls_servername?.toLowerCase() ?? null,
    target.tls_insecure,
  ];
}

/**
 * The identity an unlock and a password are bound to (docs/desktop.md "Unlock"): TLS and its
 * settings (CA, client certificate, server name, insecure), host, port (or the sentinels and the
 * master name), database and user. Two profiles that differ in any of them reach another Redis,
 * or the same one as someone else, or the same one trusting another certificate or none.
 */
export function targetIdentity(target: ProfileTarget): string {
  // Redis's own name for the user a password-only AUTH logs in as.
  const user = target.username || 'default';
  if (isSentinelUrl(target.url)) {
    const address = parseRedisAddress(target.url) as SentinelAddress;
    const sentinels = address.sentinels.map((s) => `${s.host.toLowerCase()}:${s.port}`).sort();
    return JSON.stringify([
      'sentinel',
      tlsIdentity(target),
      sentinels,
      address.masterName,
      address.db,
      user,
      address.sentinelUsername ?? null,
    ]);
  }
  const url = new URL(target.url);
  const db = Number(url.pathname.replace(/^\//, '') || '0');
  return JSON.stringify([
    tlsIdentity(target),
    url.hostname.toLowerCase(),
    url.port || '6379',
    db,
    user,
  ]);
}

/** How a target is named in a message: the URL without credentials, the user, and TLS. */
export function describeTarget(target: ProfileTarget): string {
  const tls = !usesTls(target)
    ? 'no TLS'
    : [
        'TLS',
        target.tls_ca && `CA file ${target.tls_ca}`,
        target.tls_cert && `client certificate ${target.tls_cert}`,
        target.tls_servername && `server name ${target.tls_servername}`,
        target.tls_insecure && 'not verified',
      ]
        .filter(Boolean)
        .join(', ');
  return `${target.url} as ${target.username || 'default'} (${tls})`;
}

export interface SplitUrl {
  url: string;
  userFromUrl: string | null;
  passwordFromUrl: string | undefined;
}

/**
 * The URL without credentials; a user or password typed into it is taken out and returned. Never
 * echoes a password, not even from a URL that does not parse.
 */
export function splitRedisUrl(raw: string): SplitUrl {
  if (isSentinelUrl(raw.trim())) return splitSentinelUrl(raw.trim());
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError(
      `${JSON.stringify(redactRedisUrl(raw.trim()))} is not a Redis URL; write it as redis://host:6379, rediss://host:6380 or redis+sentinel://host:26379/mymaster.`,
      { field: 'url' },
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(
      `The Redis URL must start with redis://, rediss://, redis+sentinel:// or rediss+sentinel:// (got ${url.protocol}//), like redis://host:6379.`,
      { field: 'url' },
    );
  }
  // ioredis reads options (password, db, username…) from the query; the profile's fields hold them.
  if (url.search || url.hash) {
    throw new ValidationError(
      'A profile URL takes no ?query or #fragment: give the user, password and TLS in their own fields, and the database as the path (redis://host:6379/2).',
      { field: 'url' },
    );
  }
  if (!/^\/?\d*$/.test(url.pathname)) {
    throw new ValidationError(
      'The path of a Redis URL is the database number, like redis://host:6379/2.',
      { field: 'url' },
    );
  }
  const userFromUrl = url.username ? decode(url.username) : null;
  const passwordFromUrl = url.password ? decode(url.password) : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), userFromUrl, passwordFromUrl };
}

/**
 * A Sentinel URL read by the core's address parser (docs/topologies.md "Addresses"), written back
 * without credentials: every sentinel with its port, the master name, `?db=` and the sentinels' own
 * user. A sentinel password is refused: the URL is kept in the profile file as plain text, and the
 * profile has a field of its own for it (docs/desktop.md "Secrets").
 */
function splitSentinelUrl(raw: string): SplitUrl {
  let address: SentinelAddress;
  try {
    address = parseRedisAddress(raw) as SentinelAddress;
  } catch (error) {
    // The parser never echoes the URL; its message names the form expected.
    const message = error instanceof Error ? error.message : 'The Redis address is not valid.';
    throw new ValidationError(message, { field: 'url' });
  }
  if (address.sentinelPassword !== undefined) {
    throw new ValidationError(
      'A profile URL takes no sentinel_password: the URL is saved as plain text. Take it out of the URL and type it into the profile\'s "Sentinel password" field (sentinel_password), which keeps it as the password is kept.',
      { field: 'url', reason: 'sentinel_password_in_url' },
    );
  }
  const hosts = address.sentinels
    .map((s) => `${s.host.includes(':') ? `[${s.host}]` : s.host}:${s.port}`)
    .join(',');
  const query = new URLSearchParams();
  if (address.db) query.set('db', String(address.db));
  if (address.sentinelUsername) query.set('sentinel_username', address.sentinelUsername);
  const scheme = address.tls ? 'rediss+sentinel' : 'redis+sentinel';
  const search = query.toString() ? `?${query.toString()}` : '';
  return {
    url: `${scheme}://${hosts}/${encodeURIComponent(address.masterName)}${search}`,
    userFromUrl: address.username ?? null,
    passwordFromUrl: address.password,
  };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
