import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { profileOperations } from '../../shared/contract/profiles';
import { ProfileStore } from '../../electron/main/profile-store';
import { fakeSafeStorage } from '../integration/ipc-fakes';
import { refusal } from '../helpers/refusal';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function storeAt(content?: unknown) {
  const dir = mkdtempSync(join(tmpdir(), 'queuescope-profiles-'));
  dirs.push(dir);
  const file = join(dir, 'profiles.json');
  if (content !== undefined) writeFileSync(file, JSON.stringify(content));
  return { file, store: new ProfileStore(file, fakeSafeStorage()) };
}

const tlsProfile = {
  name: 'prod',
  url: 'rediss://redis.internal:6380',
  tls_ca: ' /etc/queuescope/ca.pem ',
  tls_cert: '/etc/queuescope/me.crt',
  tls_key: '/etc/queuescope/me.key',
  tls_servername: 'redis.internal',
  tls_insecure: false,
};

describe('a profile keeps its TLS settings (docs/desktop.md "Connection profiles")', () => {
  it('stores them in the profile file, paths as typed (trimmed), and reads them back', () => {
    const { file, store } = storeAt();
    const saved = store.save(tlsProfile);
    expect(saved).toMatchObject({ ...tlsProfile, tls: true, tls_ca: '/etc/queuescope/ca.pem' });
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { profiles: unknown[] };
    expect(onDisk.profiles[0]).toMatchObject({ tls_servername: 'redis.internal' });
    expect(new ProfileStore(file, fakeSafeStorage()).get(saved.id)).toEqual(saved);
  });

  it('loads a file written before the settings existed, as a profile without any', () => {
    const { store } = storeAt({
      version: 1,
      last_used: 'p1',
      profiles: [{ id: 'p1', name: 'old', url: 'rediss://h:6380', tls: true, username: null }],
    });
    expect(store.get('p1')).toEqual({
      id: 'p1',
      name: 'old',
      url: 'rediss://h:6380',
      tls: true,
      username: null,
      password_encrypted: null,
      sentinel_password_encrypted: null,
      tls_ca: null,
      tls_cert: null,
      tls_key: null,
      tls_servername: null,
      tls_insecure: false,
    });
  });

  it('reads an insecure switch that is not a clear true as off', () => {
    const { store } = storeAt({
      version: 1,
      profiles: [{ id: 'p1', name: 'x', url: 'rediss://h', tls_insecure: 'yes', tls_ca: 7 }],
    });
    expect(store.get('p1')).toMatchObject({ tls_insecure: false, tls_ca: null });
  });

  it.each([
    [{ tls_ca: '/ca.pem' }, 'tls_ca'],
    [{ tls_servername: 'redis.internal' }, 'tls_servername'],
    [{ tls_insecure: true }, 'tls_insecure'],
  ])('refuses %j on a profile without TLS, writing nothing', (settings, field) => {
    const { file, store } = storeAt();
    const error = refusal(() => store.save({ name: 'x', url: 'redis://h:6379', ...settings }));
    expect(error).toMatchObject({ code: 'VALIDATION', details: { field } });
    expect(error.message).toMatch(/turn TLS on/);
    expect(() => readFileSync(file)).toThrow();
    // The TLS switch on a redis:// URL takes them.
    expect(store.save({ name: 'x', url: 'redis://h', tls: true, ...settings })).toMatchObject(
      settings,
    );
  });

  it('refuses a client certificate without its key, and a key without its certificate', () => {
    const { store } = storeAt();
    const url = 'rediss://h:6380';
    expect(refusal(() => store.save({ name: 'x', url, tls_cert: '/c' }))).toMatchObject({
      details: { field: 'tls_key' },
    });
    expect(refusal(() => store.save({ name: 'x', url, tls_key: '/k' }))).toMatchObject({
      details: { field: 'tls_cert' },
    });
  });

  it('binds a stored password to the CA, server name and insecure switch', () => {
    const { store } = storeAt();
    const saved = store.save({ ...tlsProfile, password: 'hunter2-secret' });
    for (const change of [
      { tls_ca: '/other-ca.pem' },
      { tls_servername: 'other.internal' },
      { tls_insecure: true },
      { tls_cert: null, tls_key: null },
    ]) {
      const error = refusal(() => store.save({ ...tlsProfile, id: saved.id, ...change }));
      expect(error).toMatchObject({ details: { reason: 'target_changed' } });
      expect(error.message).not.toContain('hunter2');
    }
    expect(store.save({ ...tlsProfile, id: saved.id, name: 'renamed' }).name).toBe('renamed');
    expect(store.password(saved.id)).toBe('hunter2-secret');
  });

  it('moves the user and password out of a Sentinel URL and stores the URL without them', () => {
    const { file, store } = storeAt();
    const saved = store.save({
      name: 'ha',
      url: 'rediss+sentinel://ops:hunter2-secret@s1:26379,s2:26380/main?db=2',
      tls_ca: '/ca.pem',
    });
    expect(saved).toMatchObject({
      url: 'rediss+sentinel://s1:26379,s2:26380/main?db=2',
      username: 'ops',
      tls: true,
      tls_ca: '/ca.pem',
    });
    expect(store.password(saved.id)).toBe('hunter2-secret');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
  });
});

describe('the saveProfile schema checks the TLS settings before anything happens', () => {
  const parse = (input: Record<string, unknown>) =>
    profileOperations.saveProfile.input.safeParse({ name: 'x', url: 'rediss://h', ...input });

  it.each([
    ['a CA path that is not text', { tls_ca: 42 }, 'tls_ca'],
    ['a certificate without its key', { tls_cert: '/c' }, 'tls_key'],
    ['a key without its certificate', { tls_key: '/k' }, 'tls_cert'],
    ['a server name with a space', { tls_servername: 'two words' }, 'tls_servername'],
    ['an insecure switch that is text', { tls_insecure: 'yes' }, 'tls_insecure'],
    ['a CA path of 5001 characters', { tls_ca: `/${'x'.repeat(5000)}` }, 'tls_ca'],
  ])('refuses %s', (_, input, field) => {
    const parsed = parse(input);
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => `${i.path.join('.')} ${i.message}`).join()).toContain(
      field,
    );
  });

  it('takes paths, a name, the switch, and null for none', () => {
    expect(
      parse({ tls_cert: '/c', tls_key: '/k', tls_servername: 'h', tls_insecure: true }),
    ).toMatchObject({ success: true });
    expect(parse({ tls_ca: null, tls_cert: null, tls_key: null }).success).toBe(true);
  });
});
