import { describe, expect, it } from 'vitest';
import { redactRedisUrl } from '../../electron/core/redis/redact';
import {
  splitRedisUrl,
  targetIdentity,
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
  const base: ProfileTarget = { url: 'redis://cache.internal:6379', tls: false, username: null };
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

  it('takes credentials out of a URL and refuses options hidden in its query', () => {
    expect(splitRedisUrl('redis://ops:p%40ss@h:6379/1')).toEqual({
      url: 'redis://h:6379/1',
      userFromUrl: 'ops',
      passwordFromUrl: 'p@ss',
    });
    expect(() => splitRedisUrl('redis://h:6379?password=x')).toThrow(/no \?query/);
    expect(() => splitRedisUrl('redis://h:6379/cache')).toThrow(/database number/);
  });
});
