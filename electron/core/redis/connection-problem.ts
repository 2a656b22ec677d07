import type { EventEmitter } from 'node:events';
import { RedisUnavailableError, type QueuescopeError } from '../errors';

/**
 * Why a client cannot connect, when the reason is one the user must fix rather than wait out: a
 * TLS handshake that failed, or credentials Redis refused. Commands issued meanwhile fail with
 * ioredis's generic "max retries" error; the cause lives only in the client's `error` events, so
 * it is kept here per client and reported with the next failed call (docs/doors.md "Errors", docs/topologies.md).
 */
export interface ConnectionProblem {
  reason: 'tls' | 'auth';
  /** What failed and what to change. */
  message: string;
  /** The error Node or Redis gave, e.g. SELF_SIGNED_CERT_IN_CHAIN. */
  cause: string;
}

const problems = new WeakMap<EventEmitter, ConnectionProblem>();

/** Untrusted or mismatched certificates, by Node's error code. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
]);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

const TRUST_HINT =
  'Pass the CA that signed the server certificate with --tls-ca FILE (a profile: its TLS CA file); --tls-insecure skips verification, for testing only.';

/** The problem an ioredis `error` event stands for, or null for a plain outage. */
export function classifyConnectionError(
  error: unknown,
  context: { tls: boolean; everReady: boolean },
): ConnectionProblem | null {
  if (!(error instanceof Error)) return null;
  const code = String((error as NodeJS.ErrnoException).code ?? '');
  const cause = code ? `${code}: ${error.message}` : error.message;
  const tls = (message: string): ConnectionProblem => ({ reason: 'tls', message, cause });
  if (UNTRUSTED.has(code)) {
    return tls(`The server's TLS certificate is not trusted (${cause}). ${TRUST_HINT}`);
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return tls(
      `The server's TLS certificate does not name the host connected to (${cause}). Connect by a name the certificate lists, or give that name with --tls-servername NAME.`,
    );
  }
  if (EXPIRED.has(code)) {
    return tls(
      `The server's TLS certificate is outside its validity dates (${cause}). Renew it on the server, and check both clocks.`,
    );
  }
  // The server's alert about our certificate: it wants one, or does not trust the one sent.
  if (/ALERT_(CERTIFICATE_REQUIRED|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|UNKNOWN_CA)$/.test(code)) {
    return tls(
      `The server refused the TLS connection for want of a client certificate it trusts (${cause}). Pass --tls-cert FILE and --tls-key FILE signed by a CA the server trusts.`,
    );
  }
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return tls(
      `The TLS handshake failed (${cause}). Check that the port speaks TLS and the --tls-ca, --tls-cert/--tls-key and --tls-servername settings.`,
    );
  }
  if (/^(WRONGPASS|NOAUTH)/.test(error.message)) {
    return {
      reason: 'auth',
      message: authMessage(error.message),
      cause,
    };
  }
  const sentinelRefusal = sentinelAuthRefusal(error.message);
  if (sentinelRefusal) {
    return { reason: 'auth', message: sentinelAuthMessage(sentinelRefusal), cause };
  }
  // A server that resets every connection before the first reply, never having answered: over
  // TLS it wants a client certificate; in plaintext the port most likely expects TLS.
  if (!context.everReady && code === 'ECONNRESET') {
    return tls(
      context.tls
        ? `The server closed the TLS connection during the handshake (${cause}): it may require a client certificate. Pass --tls-cert FILE and --tls-key FILE signed by a CA the server trusts.`
        : `The server closed the connection before answering (${cause}): if this port expects TLS, use a rediss:// URL.`,
    );
  }
  return null;
}

/** What to do about a refused login, by Redis's own error. */
export function authMessage(redisMessage: string): string {
  const said = redisMessage.split(/[.\n]/)[0]!.trim();
  return redisMessage.startsWith('WRONGPASS')
    ? `Redis refused the user name or password (${said}). Check the password (and user) in the URL, redis://user:password@host:port, or in the connection profile.`
    : `Redis requires a password and none was accepted (${said}). Give it in the URL, redis://:password@host:port (redis://user:password@… with ACL users), or in the connection profile.`;
}

/**
 * The login refusal inside ioredis's report that no sentinel could be asked ("All sentinels are
 * unreachable… Last error: NOAUTH …"), or one sentinel's ("failed to connect to sentinel h:p
 * because WRONGPASS …"): the sentinels' own `requirepass`, not the primary's password.
 */
export function sentinelAuthRefusal(message: string): string | null {
  const found =
    /^(?:All sentinels are unreachable\b.*?Last error: |failed to connect to sentinel \S+ because )((?:WRONGPASS|NOAUTH)\b.*)$/s.exec(
      message,
    );
  return found ? found[1]! : null;
}

/** What to do about sentinels that refused the login (docs/topologies.md "Login"). */
export function sentinelAuthMessage(redisMessage: string): string {
  const said = redisMessage.split(/[.\n]/)[0]!.trim();
  const where =
    'the URL, redis+sentinel://host:port/master_name?sentinel_password=… (with ?sentinel_username=… for an ACL user), or the connection profile\'s "Sentinel password" field';
  return redisMessage.startsWith('WRONGPASS')
    ? `The sentinels refused the sentinel password (${said}). Check the sentinels' own password (their requirepass, not the primary's) in ${where}.`
    : `The sentinels require a password and none was accepted (${said}). Give the sentinels' own password (their requirepass, not the primary's) in ${where}.`;
}

/** Starts keeping the last connection problem of a client; a successful connection clears it. */
export function watchConnectionProblems(client: EventEmitter, tls: boolean): void {
  let everReady = false;
  // A sentinel that refused the login in this round of asking them all: ioredis's closing
  // "All sentinels are unreachable" error names only the last sentinel's failure.
  let sentinelRefusal: ConnectionProblem | null = null;
  client.on('sentinelError', (error: unknown) => {
    sentinelRefusal = classifyConnectionError(error, { tls, everReady }) ?? sentinelRefusal;
  });
  client.on('error', (error: unknown) => {
    const problem = classifyConnectionError(error, { tls, everReady });
    if (problem) problems.set(client, problem);
    else if (
      sentinelRefusal &&
      /^All sentinels are unreachable/.test(String((error as Error)?.message))
    )
      problems.set(client, sentinelRefusal);
    sentinelRefusal = null;
  });
  client.on('ready', () => {
    everReady = true;
    sentinelRefusal = null;
    problems.delete(client);
  });
}

/** The client's unresolved connection problem, if it has one. */
export function connectionProblemOf(client: EventEmitter): ConnectionProblem | undefined {
  return problems.get(client);
}

/**
 * A "Redis did not answer" error explained by the client's connection problem: the TLS or login
 * failure, with what to change (`details.reason`). Any other error is returned as it is.
 */
export function withConnectionProblem(
  error: QueuescopeError,
  problem: ConnectionProblem | undefined,
): QueuescopeError {
  if (!problem || error.code !== 'REDIS_UNAVAILABLE' || error.details?.reason) return error;
  // A write that may have been sent before the connection broke keeps its "outcome unknown".
  const unknown = error.details?.outcome === 'unknown' ? ` ${error.message}` : '';
  return new RedisUnavailableError(`${problem.message}${unknown}`, {
    ...error.details,
    reason: problem.reason,
    cause: problem.cause,
  });
}
