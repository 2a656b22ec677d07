import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_HEADER } from '../../shared/contract';

export type GuardVerdict = { ok: true } | { ok: false; status: 401 | 403; message: string };

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Only loopback names may reach the host. A page on evil.example whose DNS later points at
 * 127.0.0.1 (DNS rebinding) still sends `Host: evil.example`, and is refused here.
 */
export function checkHost(host: string | undefined, port: number): GuardVerdict {
  const allowed = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
  if (host !== undefined && allowed.includes(host.toLowerCase())) return { ok: true };
  return {
    ok: false,
    status: 403,
    message: `Host ${JSON.stringify(host ?? '')} is not a loopback address. Open the console at http://127.0.0.1:${port}/ with the URL the host printed.`,
  };
}

/** Browsers send Origin on cross-site requests; anything but this host's own origin is refused. */
export function checkOrigin(origin: string | undefined, port: number): GuardVerdict {
  if (origin === undefined) return { ok: true };
  const allowed = LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
  if (allowed.includes(origin.toLowerCase())) return { ok: true };
  return {
    ok: false,
    status: 403,
    message: `Requests from origin ${JSON.stringify(origin)} are refused: only the console served by this host may call it.`,
  };
}

/** Compares in constant time so the token cannot be guessed a character at a time. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function cookieName(port: number): string {
  // Cookies are shared by every port of a host: one name per port keeps two hosts apart.
  return `queuescope_token_${port}`;
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

/**
 * The token from the header or `?token=`; for page and asset loads also from the cookie set when the
 * page was first opened with the token (the API never accepts the cookie, so a forged form cannot
 * ride on it).
 */
export function checkToken(
  req: IncomingMessage,
  url: URL,
  token: string,
  port: number,
  allowCookie: boolean,
): GuardVerdict {
  const header = req.headers[TOKEN_HEADER];
  const candidates = [
    typeof header === 'string' ? header : undefined,
    url.searchParams.get('token') ?? undefined,
    allowCookie ? cookieValue(req.headers.cookie, cookieName(port)) : undefined,
  ];
  if (candidates.some((c) => tokenMatches(c, token))) return { ok: true };
  return {
    ok: false,
    status: 401,
    message:
      'Missing or wrong session token. Open the console with the full URL (including ?token=…) that `queuescope serve` printed.',
  };
}

/** A URL fit for a log line: the token replaced, so the one printed URL stays the only copy. */
export function redactToken(pathAndQuery: string): string {
  return pathAndQuery.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}
