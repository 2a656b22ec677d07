import { ValidationError } from '../core/errors';
import { redactRedisUrl } from '../core/redis/redact';

/** What a profile points at. */
export interface ProfileTarget {
  url: string;
  tls: boolean;
  username: string | null;
}

/**
 * The identity an unlock and a password are bound to (docs/desktop.md "Unlock"): TLS on or off,
 * host, port, database and user. Two profiles that differ in any of them reach another Redis, or
 * the same one as someone else, or the same one in the clear.
 */
export function targetIdentity(target: ProfileTarget): string {
  const url = new URL(target.url);
  const tls = target.tls || url.protocol === 'rediss:';
  const db = Number(url.pathname.replace(/^\//, '') || '0');
  // Redis's own name for the user a password-only AUTH logs in as.
  const user = target.username || 'default';
  return JSON.stringify([tls, url.hostname.toLowerCase(), url.port || '6379', db, user]);
}

/** How a target is named in a message: the URL without credentials, the user, and TLS. */
export function describeTarget(target: ProfileTarget): string {
  const tls = target.tls || target.url.startsWith('rediss:') ? 'TLS' : 'no TLS';
  return `${target.url} as ${target.username || 'default'} (${tls})`;
}

/**
 * The URL without credentials; a user or password typed into it is taken out and returned. Never
 * echoes a password, not even from a URL that does not parse.
 */
export function splitRedisUrl(raw: string): {
  url: string;
  userFromUrl: string | null;
  passwordFromUrl: string | undefined;
} {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new ValidationError(
      `${JSON.stringify(redactRedisUrl(raw.trim()))} is not a Redis URL; write it as redis://host:6379 or rediss://host:6380.`,
      { field: 'url' },
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(
      `The Redis URL must start with redis:// or rediss:// (got ${url.protocol}//), like redis://host:6379.`,
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

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
