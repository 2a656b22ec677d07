/**
 * A Redis URL as it may appear in a message or a log: whatever stands before the last `@` of its
 * authority (a user and password, or a password alone) and any password in its query are hidden,
 * also when the text does not parse as a URL at all (docs/desktop.md "Secrets").
 */
export function redactRedisUrl(text: unknown): string {
  if (typeof text !== 'string') return typeof text;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
  const rest = text.slice(scheme.length);
  // A password may hold an unencoded "@" or "/": everything up to the last "@" is hidden.
  const at = rest.lastIndexOf('@');
  const authority = at === -1 ? rest : `${maskUserinfo(rest.slice(0, at))}@${rest.slice(at + 1)}`;
  const masked = `${scheme}${authority}`.replace(
    /([?&;](?:password|pass|pwd|auth|secret|token)=)[^&#;]*/gi,
    '$1***',
  );
  return masked.length > 200 ? `${masked.slice(0, 200)}…` : masked;
}

/** `user:password` keeps the user; anything else (a password alone, or nonsense) is hidden whole. */
function maskUserinfo(userinfo: string): string {
  const colon = userinfo.indexOf(':');
  if (colon <= 0 || /[/?#]/.test(userinfo.slice(0, colon))) return '***';
  return `${userinfo.slice(0, colon)}:***`;
}
