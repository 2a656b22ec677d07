import { describe, expect, it } from 'vitest';
import {
  checkHost,
  checkOrigin,
  cookieValue,
  redactToken,
  tokenMatches,
} from '../../electron/server/guards';

describe('web host guards', () => {
  it.each(['127.0.0.1:4000', 'localhost:4000', '[::1]:4000', 'LOCALHOST:4000'])(
    'let in Host %s',
    (host) => expect(checkHost(host, 4000).ok).toBe(true),
  );

  it.each([
    undefined,
    '',
    '127.0.0.1',
    '127.0.0.1:4001',
    'evil.example:4000',
    'localhost.evil.example:4000',
    '127.0.0.1.nip.io:4000',
    '0.0.0.0:4000',
    '10.0.0.5:4000',
  ])('refuse Host %s with 403', (host) => {
    expect(checkHost(host, 4000)).toMatchObject({ ok: false, status: 403 });
  });

  it('let in requests without Origin (same-origin GET, curl) and from the host itself', () => {
    expect(checkOrigin(undefined, 4000).ok).toBe(true);
    expect(checkOrigin('http://127.0.0.1:4000', 4000).ok).toBe(true);
    expect(checkOrigin('http://localhost:4000', 4000).ok).toBe(true);
  });

  it.each([
    'null',
    'http://evil.example',
    'https://127.0.0.1:4000',
    'http://127.0.0.1:4001',
    'http://127.0.0.1:4000.evil.example',
    'file://',
  ])('refuse Origin %s with 403', (origin) => {
    expect(checkOrigin(origin, 4000)).toMatchObject({ ok: false, status: 403 });
  });

  it('compare tokens exactly', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abd', 'abc')).toBe(false);
    expect(tokenMatches('ab', 'abc')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches(undefined, 'abc')).toBe(false);
  });

  it('read one cookie by name among others', () => {
    expect(cookieValue('a=1; queuescope_token_4000=xyz; b=2', 'queuescope_token_4000')).toBe('xyz');
    expect(cookieValue('queuescope_token_4001=xyz', 'queuescope_token_4000')).toBeUndefined();
    expect(cookieValue(undefined, 'x')).toBeUndefined();
  });

  it('take the token out of anything that is logged', () => {
    expect(redactToken('/api/events?token=s3cr3t&x=1')).toBe('/api/events?token=[redacted]&x=1');
    expect(redactToken('/?a=1&TOKEN=s3cr3t')).toBe('/?a=1&TOKEN=[redacted]');
    expect(redactToken('/assets/app.js')).toBe('/assets/app.js');
  });
});
