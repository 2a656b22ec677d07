import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../electron/core/redis/redact';
import {
  NO_TLS_SETTINGS,
  splitRedisUrl,
  targetIdentity,
  tlsConnectionOf,
  type ProfileTarget,
} from '../../electron/main/profile-target';

describe('a Redis URL in a message shows no secret (docs/desktop.md "Secrets")', () => {
  it.each([
    ['redis://ops:hunter2@h:6379/0', 'redis://ops:***@h:6379/0'],
    ['redis://:hunter2@h', 'redis://***@h'],
    ['redis://hunter2@h', 'redis://***@h'],
    ['redis://ops:hun@ter/2@h:1', 'redis://ops:***@h:1'],
    ['rediss://ops:hunter2@[not-a-host', 'rediss://ops:***@[not-a-host'],
    ['redis://h:6379?db=1&password=hunter2', 'redis://h:6379?db=1&password=***'],
    ['hunter2@h', '***@h'],
    ['redis://h:6379', 'redis://h:6379'],
  ])('%s is shown as %s', (url, shown) => {
    expect(redactRedisUrl(url)).toBe(shown);
    expect(redactRedisUrl(url)).not.toContain('hunter2');
  });

  it('names what is not text without showing it', () => {
    expect(redactRedisUrl(42)).toBe('number');
  });
});

describe('the target an unlock and a password are bound to (docs/desktop.md "Unlock")', () => {
  const base: ProfileTarget = {
    url: 'redis://cache.internal:6379',
    tls: false,
    username: null,
    ...NO_TLS_SETTINGS,
  };
  const id = (change: Partial<ProfileTarget> = {}) => targetIdentity({ ...base, ...change });

  it('is the same however the same target is written', () => {
    expect(id({ url: 'redis://CACHE.internal' })).toBe(id());
    expect(id({ url: 'redis://cache.internal:6379/0' })).toBe(id());
    expect(id({ username: 'default' })).toBe(id());
    expect(id({ url: 'rediss://cache.internal:6379' })).toBe(id({ tls: true }));
  });

  it.each([
    ['host', { url: 'redis://other.internal:6379' }],
    ['port', { url: 'redis://cache.internal:6380' }],
    ['database', { url: 'redis://cache.internal:6379/2' }],
    ['user', { username: 'ops' }],
    ['TLS', { tls: true }],
  ])('changes with the %s', (_, change) => {
    expect(id(change)).not.toBe(id());
  });

  const secure = { url: 'rediss://cache.internal:6380', tls: true } as const;
  it.each([
    ['CA file', { tls_ca: '/etc/ssl/private-ca.pem' }],
    ['client certificate', { tls_cert: '/etc/ssl/me.crt', tls_key: '/etc/ssl/me.key' }],
    ['server name', { tls_servername: 'redis.internal' }],
    ['insecure switch', { tls_insecure: true }],
  ])('changes with the TLS %s', (_, change) => {
    expect(id({ ...secure, ...change })).not.toBe(id(secure));
  });

  it('names the sentinels (in any order), the master name, the database and the user', () => {
    const s = 'redis+sentinel://a.internal:26379,b.internal:26380/main';
    expect(id({ url: 'redis+sentinel://B.internal:26380,a.internal:26379/main' })).toBe(
      id({ url: s }),
    );
    expect(id({ url: `${s}?db=0` })).toBe(id({ url: s }));
    for (const other of [
      'redis+sentinel://a.internal:26379/main',
      'redis+sentinel://a.internal:26379,b.internal:26380/other',
      `${s}?db=2`,
      `${s}?sentinel_username=watcher`,
      'rediss+sentinel://a.internal:26379,b.internal:26380/main',
    ]) {
      expect(id({ url: other })).not.toBe(id({ url: s }));
    }
    expect(id({ url: s, username: 'ops' })).not.toBe(id({ url: s }));
    expect(id({ url: s })).not.toBe(id({ url: 'redis://a.internal:26379' }));
  });

  it('hands the TLS settings to the core as its connection options', () => {
    expect(tlsConnectionOf(base)).toBe(false);
    expect(tlsConnectionOf({ ...base, ...secure })).toBe(true);
    expect(
      tlsConnectionOf({ ...base, ...secure, tls_ca: '/ca.pem', tls_servername: 'redis.internal' }),
    ).toEqual({ caFile: '/ca.pem', servername: 'redis.internal' });
    expect(
      tlsConnectionOf({
        ...base,
        url: 'redis+sentinel://a:26379/main',
        tls: true,
        tls_cert: '/c',
        tls_key: '/k',
        tls_insecure: true,
      }),
    ).toEqual({ certFile: '/c', keyFile: '/k', insecure: true });
  });

  it('takes credentials out of a URL and refuses options hidden in its query', () => {
    expect(splitRedisUrl('redis://ops:p%40ss@h:6379/1')).toEqual({
      url: 'redis://h:6379/1',
      userFromUrl: 'ops',
      passwordFromUrl: 'p@ss',
    });
    expect(() => splitRedisUrl('redis://h:6379?password=x')).toThrow(/no \?query/);
    expect(() => splitRedisUrl('redis://h:6379/cache')).toThrow(/database number/);
  });

  it('reads a Sentinel URL: credentials out, every sentinel with its port, the db as ?db=', () => {
    expect(splitRedisUrl('redis+sentinel://ops:p%40ss@h1,h2:26380/main?db=3')).toEqual({
      url: 'redis+sentinel://h1:26379,h2:26380/main?db=3',
      userFromUrl: 'ops',
      passwordFromUrl: 'p@ss',
    });
    expect(splitRedisUrl('rediss+sentinel://[::1]:5000/main?sentinel_username=watch')).toEqual({
      url: 'rediss+sentinel://[::1]:5000/main?sentinel_username=watch',
      userFromUrl: null,
      passwordFromUrl: undefined,
    });
  });

  it.each([
    ['redis+sentinel://ops:hunter2@h1:26379', /master name/],
    ['redis+sentinel://ops:hunter2@h1:26379/main?password=hunter2', /unknown/],
    ['redis+sentinel://ops:hunter2@h1:99999/main', /host:port/],
    [
      'redis+sentinel://h1/main?sentinel_password=hunter2',
      /no sentinel_password.*"Sentinel password" field/,
    ],
    ['sentinel://ops:hunter2@h1/main', /must start with/],
  ])('refuses %s, naming the url field and never the password', (url, why) => {
    let caught: unknown;
    try {
      splitRedisUrl(url);
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'VALIDATION', details: { field: 'url' } });
    expect((caught as Error).message).toMatch(why);
    expect(JSON.stringify(caught) + (caught as Error).message).not.toContain('hunter2');
  });
});
