import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventMap, InvokeResponse, ProfilesState, ProfileView } from '../../shared/contract';
import {
  isListening,
  REDIS_SERVER_MISSING,
  SANDBOX_LABEL,
  startLocalRedis,
} from '../../electron/main/local-redis';
import { allKeys } from '../helpers/redis-snapshot';
import { startRedisServer } from '../helpers/redis-server';
import { sampleJob, useRedis } from '../helpers/core';
import {
  desktopApp,
  fakeEvent,
  fakeSafeStorage,
  type DesktopApp,
  type DesktopAppOptions,
} from './ipc-fakes';

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

const data = <T>(response: InvokeResponse) => {
  if (!response.ok) throw new Error(`${response.error.code}: ${response.error.message}`);
  return response.data as T;
};

function lastConnection(made: DesktopApp) {
  return made.connections.current.hub.last('connection') as EventMap['connection'];
}

async function saved(made: DesktopApp, input: Record<string, unknown>): Promise<ProfileView> {
  return data<ProfileView>(await made.call('saveProfile', input));
}

describe('desktop profiles through IPC, on the composition main.ts runs (docs/desktop.md)', () => {
  it('list, save, connect, unlock and lock on the real Connections, each answered ok', async () => {
    const made = await app();
    expect(data<ProfilesState>(await made.call('listProfiles', {}))).toEqual({
      profiles: [],
      password_storage: { can_store: true, backend: 'gnome_libsecret' },
    });
    const staging = await saved(made, { name: 'staging', url: env.server.url });
    expect(await made.call('connectProfile', { id: staging.id })).toEqual({ ok: true, data: null });
    expect(lastConnection(made)).toMatchObject({ label: 'staging', read_only: true });
    const setFlag = (value: string) =>
      made.call('setFlag', { value, actor_id: 'ops' }) as Promise<InvokeResponse>;
    expect(await setFlag('on')).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });

    expect(await made.call('setWritesUnlocked', { id: staging.id, unlocked: true })).toEqual({
      ok: true,
      data: null,
    });
    expect(lastConnection(made)).toMatchObject({ read_only: false });
    expect(await setFlag('on')).toMatchObject({ ok: true });
    expect(await env.redis.get('ai:flags:new_schema')).toBe('on');
    expect(data<ProfilesState>(await made.call('listProfiles')).profiles).toEqual([
      { ...staging, writes_unlocked: true, active: true },
    ]);

    expect(await made.call('setWritesUnlocked', { id: staging.id, unlocked: false })).toMatchObject(
      { ok: true },
    );
    expect(await setFlag('off')).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    expect(await env.redis.get('ai:flags:new_schema')).toBe('on');
  });

  it.each([
    ['setWritesUnlocked', { unlocked: 'false' }, 'unlocked'],
    ['setWritesUnlocked', { unlocked: 1 }, 'unlocked'],
    ['saveProfile', { tls: 'yes' }, 'tls'],
    ['saveProfile', { password: 42 }, 'password'],
    ['saveProfile', { password_keeping: 'disk' }, 'password_keeping'],
    ['saveProfile', { admin: true }, ''],
    ['connectProfile', { id: 'a:b' }, 'id'],
    ['removeProfile', { id: 42 }, 'id'],
    ['listProfiles', { all: true }, ''],
  ])('refuse %s with %j as VALIDATION, changing nothing', async (op, bad, field) => {
    const made = await app();
    const profile = await saved(made, { name: 'staging', url: env.server.url });
    await made.call('connectProfile', { id: profile.id });
    const file = readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8');
    const base =
      op === 'saveProfile' ? { id: profile.id, name: 'staging', url: env.server.url } : {};
    const response = await made.call(op, { ...base, id: profile.id, ...bad });
    expect(response).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    if (field) expect(JSON.stringify(response)).toContain(field);
    expect(readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8')).toBe(file);
    expect(lastConnection(made)).toMatchObject({ read_only: true });
    expect(data<ProfilesState>(await made.call('listProfiles')).profiles).toEqual([
      { ...profile, active: true },
    ]);
  });

  it('answer profile operations only to the console page', async () => {
    const made = await app();
    await saved(made, { name: 'staging', url: env.server.url });
    const response = await made.call('listProfiles', {}, fakeEvent({ subframe: true }));
    expect(response).toMatchObject({ ok: false, error: { message: /Refused/ } });
    expect(JSON.stringify(response)).not.toContain('staging');
  });

  it('keep passwords only as safeStorage ciphertext, never in the profile file or an answer', async () => {
    const box = fakeSafeStorage();
    const made = await app({ safeStorage: box });
    const profile = await saved(made, {
      name: 'prod',
      url: 'rediss://ops:hunter2-secret@redis.internal:6380',
    });
    expect(profile).toMatchObject({
      url: 'rediss://redis.internal:6380',
      username: 'ops',
      tls: true,
      password: 'stored',
    });
    const text = readFileSync(join(made.userDataDir, 'profiles.json'), 'utf8');
    expect(text).not.toContain('hunter2-secret');
    expect(box.encrypted).toBe(1);
    expect(made.store.password(profile.id)).toBe('hunter2-secret');
    expect(JSON.stringify(await made.call('listProfiles'))).not.toContain('hunter2');
  });

  it('log in with the stored password, switch profiles at runtime, and refuse to remove the one in use', async () => {
    const guarded = await startRedisServer();
    closers.push(() => guarded.stop());
    await guarded.client().config('SET', 'requirepass', 'pw-123');
    const made = await app();
    const open = await saved(made, { name: 'open', url: env.server.url });
    const locked = await saved(made, { name: 'guarded', url: guarded.url, password: 'pw-123' });
    await made.call('connectProfile', { id: open.id });
    await made.call('connectProfile', { id: locked.id });
    expect(lastConnection(made).label).toBe('guarded');
    expect(await made.call('getFlag', {})).toMatchObject({
      ok: true,
      data: { new_schema: 'off' },
    });
    expect(made.store.lastUsed).toBe(locked.id);
    expect(await made.call('removeProfile', { id: locked.id })).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', message: /in use/ },
    });
    expect(await made.call('removeProfile', { id: open.id })).toEqual({ ok: true, data: null });
    expect(data<ProfilesState>(await made.call('listProfiles')).profiles).toHaveLength(1);
  });

  it('read a profile file written before the schema with every field of its type, erring on TLS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'queuescope-app-'));
    closers.push(async () => rmSync(dir, { recursive: true, force: true }));
    const profile = (id: string, tls: unknown) => ({ id, name: id, url: env.server.url, tls });
    writeFileSync(
      join(dir, 'profiles.json'),
      JSON.stringify({
        version: 1,
        last_used: null,
        profiles: [
          profile('p-yes', 'yes'),
          profile('p-no', 'no'),
          profile('p-true', true),
          { id: 7 },
        ],
      }),
    );
    const made = await app({ userDataDir: dir });
    const listed = data<ProfilesState>(await made.call('listProfiles')).profiles;
    expect(listed.map((p) => [p.id, p.tls, p.username, p.password])).toEqual([
      ['p-yes', true, null, 'none'],
      ['p-no', false, null, 'none'],
      ['p-true', true, null, 'none'],
    ]);
  });
});

describe('local sandbox (docs/desktop.md)', () => {
  it('runs a private redis-server with AOF in the app folder, writable, and stops it on close', async () => {
    const made = await desktopApp({ redisUrl: env.server.url });
    const dir = made.userDataDir;
    expect(await made.call('startSandbox', {})).toEqual({ ok: true, data: null });
    expect(lastConnection(made)).toMatchObject({ label: SANDBOX_LABEL, read_only: false });
    const enqueued = await made.call('enqueue', sampleJob({ job_id: 'sandbox-1' }));
    expect(enqueued).toMatchObject({ ok: true });
    const port = made.connections.current.core.redis.options.port!;
    expect(await isListening('127.0.0.1', port)).toBe(true);
    expect(readdirSync(join(dir, 'local-redis')).some((f) => f.startsWith('appendonly'))).toBe(
      true,
    );
    await made.close();
    expect(await isListening('127.0.0.1', port)).toBe(false);
    expect(existsSync(dir)).toBe(false);
    expect(await allKeys(env.redis)).toEqual([]);
  });

  it('says how to install redis-server when it is not on PATH', async () => {
    const made = await app();
    await expect(startLocalRedis(made.userDataDir, 'redis-server-not-installed')).rejects.toThrow(
      REDIS_SERVER_MISSING,
    );
  });
});
