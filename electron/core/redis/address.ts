import { ValidationError } from '../errors';

/** One host and port, as given (IPv6 hosts without brackets). */
export interface HostPort {
  host: string;
  port: number;
}

/** A URL of one Redis server (standalone, or any node of a cluster: the core finds out which). */
export interface ServerAddress {
  kind: 'server';
  /** The URL as given: ioredis reads it (host, port, db, user, password, query options). */
  url: string;
  host: string;
  port: number;
  tls: boolean;
}

/** A Sentinel-managed primary: the sentinels to ask, the master's name, and how to log in to it. */
export interface SentinelAddress {
  kind: 'sentinel';
  sentinels: HostPort[];
  masterName: string;
  db: number;
  username?: string;
  password?: string;
  /** Credentials of the sentinels themselves, when they differ from the primary's. */
  sentinelUsername?: string;
  sentinelPassword?: string;
  tls: boolean;
}

export type RedisAddress = ServerAddress | SentinelAddress;

const DEFAULT_PORT = 6379;
const DEFAULT_SENTINEL_PORT = 26379;
const SENTINEL_URL =
  /^(rediss?)\+sentinel:\/\/(?:([^@/?#]*)@)?([^/?#]*)(?:\/([^?#]*))?(?:\?([^#]*))?$/i;
const SENTINEL_QUERY = new Set(['db', 'sentinel_username', 'sentinel_password']);

export const ADDRESS_FORMS =
  'redis://[user:password@]host:port[/db], rediss://… for TLS, or redis+sentinel://[user:password@]host:port[,host:port…]/master_name[?db=N] (rediss+sentinel:// for TLS)';

/** Schemes named back in an error; any other text before a ':' may be a user name or a password. */
const KNOWN_SCHEMES = new Set([
  'redis',
  'rediss',
  'redis+sentinel',
  'rediss+sentinel',
  'http',
  'https',
  'unix',
  'tcp',
]);

/** The address's scheme when it is a well-known one, else null (never echo unknown text). */
function knownScheme(text: string): string | null {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  return scheme && KNOWN_SCHEMES.has(scheme) ? scheme : null;
}

function invalid(text: string, why: string): ValidationError {
  // The URL may hold a password: it is never echoed, only a well-known scheme and its shape.
  const scheme = knownScheme(text);
  return new ValidationError(`The Redis address is not valid: ${why}. Use ${ADDRESS_FORMS}.`, {
    field: 'redis',
    ...(scheme ? { scheme } : {}),
  });
}

/**
 * Reads a Redis address. Sentinel URLs list several hosts, which WHATWG URLs cannot hold, so they
 * are read here; plain URLs are checked here and read by ioredis, so its query options still work.
 */
export function parseRedisAddress(text: string): RedisAddress {
  const trimmed = text.trim();
  if (/^rediss?\+sentinel:/i.test(trimmed)) return parseSentinelUrl(trimmed);
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw invalid(trimmed, 'it is not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    const scheme = knownScheme(trimmed);
    throw invalid(
      trimmed,
      `${scheme ? `the scheme ${JSON.stringify(scheme)}` : 'its scheme'} is not one Queuescope reads`,
    );
  }
  if (!url.hostname) throw invalid(trimmed, 'it names no host');
  return {
    kind: 'server',
    url: trimmed,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : DEFAULT_PORT,
    tls: url.protocol === 'rediss:',
  };
}

function parseSentinelUrl(text: string): SentinelAddress {
  const match = SENTINEL_URL.exec(text);
  if (!match)
    throw invalid(text, 'a Sentinel URL has the form scheme://[user:password@]hosts/master_name');
  const [, scheme, userinfo, hostList, path, query] = match;
  const sentinels = (hostList ?? '').split(',').map((part) => hostPort(text, part.trim()));
  if (sentinels.length === 0 || !hostList) throw invalid(text, 'it lists no sentinel host');
  const masterName = decode(text, (path ?? '').replace(/\/$/, ''));
  if (!masterName || masterName.includes('/')) {
    throw invalid(text, 'the master name (the path, e.g. /mymaster) is missing or has a "/" in it');
  }
  const params = new URLSearchParams(query ?? '');
  for (const key of params.keys()) {
    if (!SENTINEL_QUERY.has(key))
      throw invalid(
        text,
        `the query option ${JSON.stringify(key)} is unknown (known: ${[...SENTINEL_QUERY].join(', ')})`,
      );
  }
  const dbText = params.get('db') ?? '0';
  if (!/^\d{1,5}$/.test(dbText)) throw invalid(text, 'db must be a whole number');
  const [user, password] = splitUserinfo(text, userinfo);
  return {
    kind: 'sentinel',
    sentinels,
    masterName,
    db: Number(dbText),
    tls: scheme!.toLowerCase() === 'rediss',
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    ...optional('sentinelUsername', params.get('sentinel_username')),
    ...optional('sentinelPassword', params.get('sentinel_password')),
  };
}

function hostPort(text: string, part: string): HostPort {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(part);
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] ? Number(m[3]) : DEFAULT_SENTINEL_PORT;
  if (!host || port < 1 || port > 65535) {
    throw invalid(text, `${JSON.stringify(part)} is not a host:port`);
  }
  return { host, port };
}

function splitUserinfo(text: string, userinfo: string | undefined): [string, string] {
  if (!userinfo) return ['', ''];
  const colon = userinfo.indexOf(':');
  if (colon < 0) return [decode(text, userinfo), ''];
  return [decode(text, userinfo.slice(0, colon)), decode(text, userinfo.slice(colon + 1))];
}

function decode(text: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(text, 'it has a malformed %-escape');
  }
}

function optional<K extends string>(key: K, value: string | null): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/** "redis 10.0.0.5:6379", "rediss …" or "sentinel mymaster (3 sentinels)": no credentials. */
export function describeAddress(address: RedisAddress): string {
  if (address.kind === 'server') {
    const host = address.host.includes(':') ? `[${address.host}]` : address.host;
    return `${address.tls ? 'rediss' : 'redis'} ${host}:${address.port}`;
  }
  const count = address.sentinels.length;
  return `sentinel ${address.masterName} (${count} sentinel${count === 1 ? '' : 's'}${address.tls ? ', TLS' : ''})`;
}
