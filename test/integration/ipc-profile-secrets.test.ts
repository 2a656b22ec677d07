import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap, InvokeResponse, ProfilesState, ProfileView } from '../../shared/contract';
import { startRedisServer, type RedisServer } from '../helpers/redis-server';
import { useRedis } from '../helpers/core';
import { desktopApp, fakeSafeStorage, type DesktopApp, type DesktopAppOptions } from './ipc-fakes';

const env = useRedis();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});

async function app(options: Partial<DesktopAppOptions> = {}): Promise<DesktopApp> {
  const made = await desktopApp({ redisUrl: env.server.url, ...options });
  closers.push(() => made.close());
  return made;
}

/** A redis-server of the test's own, with an admin connection opened before any password is set. */
async function server(password?: string): Promise<RedisServer & { admin: Redis }> {
  const started = await startRedisServer();
  closers.push(() => started.stop());
  const admin = started.client();
  if (password) await admin.config('SET', 'requirepass', password);
  return Object.assign(started, { admin });
}

const data = <T>(response: InvokeResponse) => {
  if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response.data as T;
};
const save = async (made: DesktopApp, input: Record<string, unknown>) =>
  data<ProfileView>(await made.call('saveProfile', input));
const profiles = async (made: DesktopApp) =>
  data<ProfilesState>(await made.call('listProfiles', {}));
const readOnly = (made: DesktopApp) =>
  (made.connections.current.hub.last('connection') as EventMap['connection']).read_only;

/** Logins a server refused, from its ACL log: a password sent to the wrong server shows up here. */
async function refusedLogins(target: { admin: Redis }): Promise<number> {
  const log = (await target.admin.call('ACL', 'LOG')) as unknown[][];
  return log.filter((entry) => entry[entry.indexOf('reason') + 1] === 'auth').length;
}

describe('an unlock holds for one target (docs/desktop.md "Unlock")', () => {
  it.each([
    ['another host', (url: string, other: string) => ({ url: other })],
    ['another port', (url: string) => ({ url: url.replace(/:(\d+)$/, (_, p) => `:${+p + 1}`) })],
    ['another database', (url: string) => ({ url: `${url}/1` })],
    ['another user', () => ({ username: 'ops' })],
    ['TLS turned on', () => ({ tls: true })],
  ])('saving the unlocked profile in use with %s locks its writes again', async (_, change) => {
    const other = await server();
    const made = await app();
    const profile = await save(made, { name: 'staging', url: env.server.url });
    await made.call('connectProfile', { id: profile.id });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    expect(readOnly(made)).toBe(false);

    const edited = await save(made, {
      id: profile.id,
      name: 'staging',
      url: env.server.url,
      ...change(env.server.url, other.url),
    });
    expect(edited).toMatchObject({ writes_unlocked: false, active: true });
    expect(readOnly(made)).toBe(true);
    expect(await made.call('setFlag', { value: 'on', actor_id: 'ops' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
    expect(await other.admin.dbsize()).toBe(0);
    expect(await env.redis.exists('ai:flags:new_schema')).toBe(0);
  });

  it('a new name alone keeps the unlock; an unlock is for the target saved when it was given', async () => {
    const made = await app();
    const profile = await save(made, { name: 'staging', url: `${env.server.url}/0` });
    await made.call('connectProfile', { id: profile.id });
    await made.call('setWritesUnlocked', { id: profile.id, unlocked: true });
    // The same target spelled differently: default port and database, user "default".
    const renamed = await save(made, {
      id: profile.id,
      name: 'staging (eu)',
      url: env.server.url,
      username: 'default',
    });
    expect(renamed).toMatchObject({ name: 'staging (eu)', writes_unlocked: true });
    expect(readOnly(made)).toBe(false);
    expect(await made.call('setFlag', { value: 'on', actor_id: 'ops' })).toMatchObject({
      ok: true,
    });
  });

  it('a profile not in use is locked again by a save with another target too', async () => {
    const made = await app();
    const a = await save(made, { name: 'a', url: env.server.url });
    const b = await save(made, { name: 'b', url: env.server.url });
    await made.call('connectProfile', { id: a.id });
    await made.call('setWritesUnlocked', { id: b.id, unlocked: true });
    await save(made, { id: b.id, name: 'b', url: `${env.server.url}/3` });
    await made.call('connectProfile', { id: b.id });
    expect(readOnly(made)).toBe(true);
    expect((await profiles(made)).profiles.find((p) => p.id === b.id)).toMatchObject({
      writes_unlocked: false,
      active: true,
    });
  });

  it.each(['stored', 'session'] as const)(
    'a %s password is never sent to a new target without being entered again',
    async (keeping) => {
      const first = await server('pw-first');
      const second = await server('pw-second');
      const made = await app();
      const profile = await save(made, {
        name: 'prod',
        url: first.url,
        password: 'pw-first',
        password_keeping: keeping,
      });
      const file = readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8');
      const moved = await made.call('saveProfile', {
        id: profile.id,
        name: 'prod',
        url: second.url,
      });
      expect(moved).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', details: { field: 'password', reason: 'target_changed' } },
      });
      expect(readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8')).toBe(file);
      expect(made.store.get(profile.id).url).toBe(first.url);

      // Moved without the password: it logs in with none, and the new server never saw the old one.
      await save(made, { id: profile.id, name: 'prod', url: second.url, password: null });
      await made.call('connectProfile', { id: profile.id });
      expect(await made.call('getFlag', {})).toMatchObject({
        ok: false,
        error: { message: expect.stringMatching(/auth/i) },
      });
      expect(await refusedLogins(second)).toBe(0);

      // Typed again on purpose, the old password does reach it (and the log shows a refused login).
      await save(made, {
        id: profile.id,
        name: 'prod',
        url: second.url,
        password: 'pw-first',
        password_keeping: keeping,
      });
      expect(await made.call('getFlag', {})).toMatchObject({ ok: false });
      expect(await refusedLogins(second)).toBeGreaterThan(0);

      // The new target's password entered: that one is used there.
      await save(made, {
        id: profile.id,
        name: 'prod',
        url: second.url,
        password: 'pw-second',
        password_keeping: keeping,
      });
      expect(await made.call('getFlag', {})).toMatchObject({ ok: true });
    },
  );
});

describe('passwords are stored only where a keyring encrypts them (docs/desktop.md "Secrets")', () => {
  it.each([
    ['reports basic_text (Linux without a keyring)', { backend: 'basic_text' }, /basic_text/],
    ['is not available', { available: false }, /keychain is not available/],
  ])(
    'where safeStorage %s, a stored password is refused and this session only is offered',
    async (_, storage, why) => {
      const box = fakeSafeStorage(storage);
      const made = await app({ safeStorage: box });
      const state = await profiles(made);
      expect(state.password_storage).toMatchObject({ can_store: false, reason: why });
      expect(state.password_storage.reason).toMatch(/this session only/);

      const refused = await made.call('saveProfile', {
        name: 'prod',
        url: env.server.url,
        password: 'pw-1',
      });
      expect(refused).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', details: { field: 'password', reason: 'no_keyring' } },
      });
      const fromUrl = await made.call('saveProfile', {
        name: 'prod',
        url: env.server.url.replace('redis://', 'redis://:pw-1@'),
      });
      expect(fromUrl).toMatchObject({ ok: false, error: { details: { reason: 'no_keyring' } } });
      expect(existsSync(join(made.userDataDir, 'profiles.json'))).toBe(false);
      expect(box.encrypted).toBe(0);
      expect(JSON.stringify([refused, fromUrl])).not.toContain('pw-1');
    },
  );

  it('a session-only password logs in for this run, is never written, and is gone after a restart', async () => {
    const guarded = await server('pw-session');
    const box = fakeSafeStorage({ backend: 'basic_text' });
    const made = await app({ safeStorage: box });
    const profile = await save(made, {
      name: 'prod',
      url: guarded.url,
      password: 'pw-session',
      password_keeping: 'session',
    });
    expect(profile).toMatchObject({ password: 'session' });
    await made.call('connectProfile', { id: profile.id });
    expect(await made.call('getFlag', {})).toMatchObject({ ok: true });
    const file = readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8');
    expect(file).not.toContain('pw-session');
    expect(JSON.parse(file).profiles[0]).toMatchObject({ password_encrypted: null });
    expect(box.encrypted).toBe(0);

    const restarted = await app({ safeStorage: box, userDataDir: made.userDataDir });
    expect((await profiles(restarted)).profiles[0]).toMatchObject({ password: 'none' });
    await restarted.call('connectProfile', { id: profile.id });
    expect(await restarted.call('getFlag', {})).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/auth/i) },
    });
  });

  it.each([
    'redis://ops:hunter2@[not-a-host',
    'redis://ops:hunter2@host:port',
    'http://ops:hunter2@host:6379',
    'redis://host:6379?password=hunter2',
    'redis://:hunter2@host:6379/#x',
    'hunter2@host',
  ])('a malformed URL %s is refused without the password in the message', async (url) => {
    const made = await app();
    const response = await made.call('saveProfile', { name: 'x', url });
    expect(response).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(response)).not.toContain('hunter2');
    expect(existsSync(join(made.userDataDir, 'profiles.json'))).toBe(false);
  });
});
