import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../shared/contract';
import { labelOf } from '../../electron/adapters/labels';
import { toApiError } from '../../electron/core/error-mapping';
import { describeAddress, parseRedisAddress } from '../../electron/core/redis/address';
import { classifyConnectionError } from '../../electron/core/redis/connection-problem';
import { durabilityFromEnv } from '../../electron/core/redis/durability';
import { tlsConnection } from '../../electron/cli/tls-flags';

/** docs/topologies.md "Addresses". */
describe('Redis addresses', () => {
  it('reads a Sentinel URL: sentinels, master name, credentials, db and TLS', () => {
    expect(
      parseRedisAddress(
        'rediss+sentinel://app:p%40ss@10.0.0.1:26379,[::1]:26380,sentinel-c/orders?db=2&sentinel_password=s3',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '::1', port: 26380 },
        { host: 'sentinel-c', port: 26379 },
      ],
      masterName: 'orders',
      db: 2,
      username: 'app',
      password: 'p@ss',
      sentinelPassword: 's3',
      tls: true,
    });
    expect(parseRedisAddress('redis+sentinel://127.0.0.1:5000/m')).toMatchObject({
      kind: 'sentinel',
      db: 0,
      tls: false,
    });
  });

  it('reads a server URL and leaves its options to ioredis', () => {
    expect(parseRedisAddress('rediss://u:pw@cache.internal:6380/3?family=6')).toEqual({
      kind: 'server',
      url: 'rediss://u:pw@cache.internal:6380/3?family=6',
      host: 'cache.internal',
      port: 6380,
      tls: true,
    });
    expect(parseRedisAddress('redis://[::1]')).toMatchObject({ host: '::1', port: 6379 });
  });

  it.each([
    ['redis+sentinel://127.0.0.1:26379', /master name/],
    ['redis+sentinel://127.0.0.1:26379/', /master name/],
    ['redis+sentinel://127.0.0.1:99999/m', /not a host:port/],
    ['redis+sentinel://h:1,/m', /not a host:port/],
    ['redis+sentinel://h:1/m?dbb=1', /"dbb" is unknown/],
    ['redis+sentinel://h:1/m?db=x', /db must be a whole number/],
    ['sentinel://h:1/m', /its scheme is not one/],
    ['http://h:1', /scheme "http"/],
    ['h:1', /its scheme|not a URL/],
  ])('refuses %s, naming what is wrong', (text, why) => {
    expect(() => parseRedisAddress(text)).toThrow(why);
  });

  it('never echoes a password from an address it refuses', () => {
    let message = '';
    try {
      parseRedisAddress('redis+sentinel://user:hunter2@h:1');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/master name/);
    expect(message).not.toContain('hunter2');
  });

  it.each(['hunter2@host:6379', 'hunter2:pw@host', 'pa55:W0rd@h:1/0', 'hunter2://h:1'])(
    'never echoes a password typed without a scheme (%s), in the message or the details',
    (text) => {
      let refused: unknown;
      try {
        parseRedisAddress(text);
      } catch (error) {
        refused = error;
      }
      const said = JSON.stringify({
        message: (refused as Error).message,
        details: (refused as { details?: unknown }).details,
      });
      for (const secret of ['hunter2', 'pa55', 'W0rd']) expect(said).not.toContain(secret);
    },
  );

  it('labels a connection without credentials', () => {
    expect(labelOf('redis://:secret@10.0.0.5:6379')).toBe('redis 10.0.0.5:6379');
    expect(labelOf('rediss+sentinel://u:secret@a:1,b:2,c:3/orders')).toBe(
      'sentinel orders (3 sentinels, TLS)',
    );
    expect(describeAddress(parseRedisAddress('redis://[::1]:7000'))).toBe('redis [::1]:7000');
  });
});

describe('TLS flags', () => {
  it('turn into the connection TLS settings on a rediss:// URL', () => {
    expect(
      tlsConnection(
        { tlsCa: 'ca.pem', tlsServername: 'redis.internal', tlsInsecure: true },
        'rediss://h:6380',
      ),
    ).toEqual({ tls: { caFile: 'ca.pem', servername: 'redis.internal', insecure: true } });
    expect(tlsConnection({}, 'redis://h:6379')).toEqual({});
  });

  it('are refused on a plaintext URL rather than ignored', () => {
    expect(() => tlsConnection({ tlsCa: 'ca.pem' }, 'redis://h:6379')).toThrow(/rediss:\/\//);
  });
});

describe('failures named for what the user must fix', () => {
  const tlsError = (code: string, message: string) => Object.assign(new Error(message), { code });

  it.each([
    ['SELF_SIGNED_CERT_IN_CHAIN', /--tls-ca/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', /--tls-ca/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', /--tls-servername/],
    ['CERT_HAS_EXPIRED', /validity/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', /speaks TLS/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', /--tls-cert FILE and --tls-key FILE/],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', /--tls-cert FILE and --tls-key FILE/],
  ])('a TLS handshake failing with %s says what to change', (code, hint) => {
    const problem = classifyConnectionError(tlsError(code, 'x'), { tls: true, everReady: false });
    expect(problem).toMatchObject({ reason: 'tls' });
    expect(problem!.message).toMatch(hint);
  });

  it('a reset before the first answer is a TLS hint; after it, a plain outage', () => {
    const reset = tlsError('ECONNRESET', 'read ECONNRESET');
    expect(classifyConnectionError(reset, { tls: true, everReady: false })?.message).toMatch(
      /--tls-cert/,
    );
    expect(classifyConnectionError(reset, { tls: false, everReady: false })?.message).toMatch(
      /rediss:\/\//,
    );
    expect(classifyConnectionError(reset, { tls: true, everReady: true })).toBeNull();
    expect(
      classifyConnectionError(new Error('connect ECONNREFUSED'), { tls: false, everReady: false }),
    ).toBeNull();
  });

  it('a sentinel refusing the login is an auth problem naming the sentinel password', () => {
    const context = { tls: false, everReady: false };
    const one = new Error(
      'failed to connect to sentinel 127.0.0.1:26379 because NOAUTH Authentication required.',
    );
    expect(classifyConnectionError(one, context)).toMatchObject({
      reason: 'auth',
      message: expect.stringMatching(/^The sentinels require a password.*sentinel_password=/),
    });
    const all = new Error(
      'All sentinels are unreachable. Retrying from scratch after 200ms. Last error: WRONGPASS invalid username-password pair or user is disabled.',
    );
    expect(classifyConnectionError(all, context)?.message).toMatch(
      /^The sentinels refused the sentinel password/,
    );
    const down = new Error(
      'failed to connect to sentinel 127.0.0.1:1 because connect ECONNREFUSED',
    );
    expect(classifyConnectionError(down, context)).toBeNull();
  });

  it('a refused login is REDIS_UNAVAILABLE with reason auth, not INTERNAL', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    expect(
      toApiError(reply('WRONGPASS invalid username-password pair or user is disabled.')),
    ).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'auth' },
      message: expect.stringMatching(/password/),
    });
    expect(toApiError(reply('NOAUTH Authentication required.'))).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'auth' },
    });
  });

  it('a replica refusing a write and a cluster redirect are named, never passed on raw', () => {
    const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
    expect(
      toApiError(reply("READONLY You can't write against a read only replica.")),
    ).toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      details: { reason: 'replica' },
      message: expect.stringMatching(/redis\+sentinel:\/\//),
    });
    expect(toApiError(reply('MOVED 3999 127.0.0.1:7001'))).toMatchObject({
      code: 'INTERNAL',
      details: { reason: 'cluster_unsupported' },
      message: expect.stringMatching(/Redis Cluster/),
    });
  });
});

describe('durability settings (docs/topologies.md "Acknowledged means durable")', () => {
  it('reads QUEUESCOPE_WAIT_REPLICAS and QUEUESCOPE_WAIT_TIMEOUT_MS', () => {
    expect(durabilityFromEnv({})).toEqual({});
    expect(
      durabilityFromEnv({ QUEUESCOPE_WAIT_REPLICAS: '0', QUEUESCOPE_WAIT_TIMEOUT_MS: '250' }),
    ).toEqual({ waitReplicas: 0, waitTimeoutMs: 250 });
    expect(durabilityFromEnv({ QUEUESCOPE_WAIT_REPLICAS: 'AUTO' })).toEqual({
      waitReplicas: 'auto',
    });
  });

  it.each([
    [{ QUEUESCOPE_WAIT_REPLICAS: 'yes' }, /QUEUESCOPE_WAIT_REPLICAS/],
    [{ QUEUESCOPE_WAIT_TIMEOUT_MS: '0' }, /QUEUESCOPE_WAIT_TIMEOUT_MS/],
    [{ QUEUESCOPE_WAIT_TIMEOUT_MS: '1s' }, /QUEUESCOPE_WAIT_TIMEOUT_MS/],
  ])('refuses %o instead of ignoring it', (env, why) => {
    expect(() => durabilityFromEnv(env)).toThrow(why);
  });

  it('an unconfirmed write has an exit code of its own', () => {
    const unconfirmed = {
      code: 'REDIS_UNAVAILABLE' as const,
      message: 'm',
      details: { outcome: 'unconfirmed' },
    };
    expect(exitCodeOf(unconfirmed)).toBe(6);
    expect(exitCodeOf({ ...unconfirmed, details: { outcome: 'unknown' } })).toBe(4);
    expect(exitCodeOf({ code: 'INTERNAL', message: 'm' })).toBe(5);
  });
});
