import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ERROR_SURFACES, TOKEN_HEADER } from '../../shared/contract';

/** A door's own refusal (docs/doors.md "Errors"): its code, and the HTTP status of that code. */
export type GuardVerdict =
  { ok: true } | { ok: false; code: 'UNAUTHORIZED' | 'FORBIDDEN'; status: number; message: string };

function refused(code: 'UNAUTHORIZED' | 'FORBIDDEN', message: string): GuardVerdict {
  return { ok: false, code, status: ERROR_SURFACES[code].httpStatus, message };
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * Only loopback names may reach the host. A page on evil.example whose DNS later points at
 * 127.0.0.1 (DNS rebinding) still sends `Host: evil.example`, and is refused here.
 */
export function checkHost(host: string | undefined, port: number): GuardVerdict {
  const allowed = LOOPBACK_NAMES.map((name) => `${name}:${port}`);
  if (host !== undefined && allowed.includes(host.toLowerCase())) return { ok: true };
  return refused(
    'FORBIDDEN',
    `Host ${JSON.stringify(host ?? '')} is not a loopback address. Open the console at http://127.0.0.1:${port}/ with the URL the host printed.`,
  );
}

/** Browsers send Origin on cross-site requests; anything but this host's own origin is refused. */
export function checkOrigin(origin: string | undefined, port: number): GuardVerdict {
  if (origin === undefined) return { ok: true };
  const allowed = LOOPBACK_NAMES.map((name) => `http://${name}:${port}`);
  if (allowed.includes(origin.toLowerCase())) return { ok: true };
  return refused(
    'FORBIDDEN',
    `Requests from origin ${JSON.stringify(origin)} are refused: only the console served by this host may call it.`,
  );
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
  return refused(
    'UNAUTHORIZED',
    'Missing or wrong session token. Open the console with the full URL (including ?token=…) that `queuescope serve` printed.',
  );
}

/**
 * The token cookie, built from the host's own token and never from the query: a `;` or a line break
 * in what a browser sent can then neither add cookie attributes nor break the header.
 */
export function tokenCookie(port: number, token: string): string {
  if (!/^[0-9a-f]+$/.test(token)) throw new Error('The session token must be hex.');
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

/**
 * Percent-decoding as URLSearchParams does it, without throwing: escapes become bytes, the bytes
 * UTF-8 text, and a byte that is not UTF-8 becomes U+FFFD.
 */
function lenientDecode(text: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const hex = text.slice(i + 1, i + 3);
    if (text[i] === '%' && /^[0-9a-f]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      const code = text.codePointAt(i)!;
      if (code > 0xffff) i++;
      bytes.push(...Buffer.from(String.fromCodePoint(code)));
    }
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/** Control characters shown as escapes, so a logged URL cannot forge or rewrite log lines. */
function visible(text: string): string {
  return text.replace(
    // eslint-disable-next-line no-control-regex -- finding control characters is its purpose
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Text with every occurrence of the (hex) token, in any case, replaced. */
export function withoutToken(text: string, token: string | undefined): string {
  const hex = token?.replace(/[^0-9a-f]/gi, '');
  return hex ? text.replace(new RegExp(hex, 'gi'), '[redacted]') : text;
}

/**
 * A request URL fit for a log line (docs/doors.md "Hostile input"): decoded, with every query
 * parameter whose decoded name is `token` (in any case, however it was percent-encoded, `%74oken`)
 * and every occurrence of the session token itself replaced, so the printed URL stays its only copy.
 */
export function redactToken(pathAndQuery: string, token?: string): string {
  const hide = (text: string) => withoutToken(text, token);
  const at = pathAndQuery.indexOf('?');
  const path = hide(lenientDecode(at < 0 ? pathAndQuery : pathAndQuery.slice(0, at)));
  if (at < 0) return visible(path);
  const params = pathAndQuery
    .slice(at + 1)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = lenientDecode((eq < 0 ? part : part.slice(0, eq)).replace(/\+/g, ' '));
      if (name.trim().toLowerCase() === 'token') return `${name}=[redacted]`;
      return hide(lenientDecode(part.replace(/\+/g, ' ')));
    });
  return visible(`${path}?${params.join('&')}`);
}
