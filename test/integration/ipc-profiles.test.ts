import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../shared/contract';
import { Connections } from '../../electron/main/connections';
import {
  isListening,
  REDIS_SERVER_MISSING,
  SANDBOX_LABEL,
  startLocalRedis,
} from '../../electron/main/local-redis';
import { ProfileStore, type SecretBox } from '../../electron/main/profile-store';
import { startRedisServer } from '../helpers/redis-server';
import { sampleJob, useRedis } from '../helpers/core';

const env = useRedis();
const dirs: string[] = [];
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length) await closers.pop()!();
});
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'queuescope-app-'));
  dirs.push(dir);
  return dir;
};

/** Electron's safeStorage replaced at its boundary: reversible, and visibly not the plain text. */
function fakeSafeStorage(available = true): SecretBox & { encrypted: number } {
  const box = {
    encrypted: 0,
    isEncryptionAvailable: () => available,
    encryptString(plain: string) {
      box.encrypted++;
      return Buffer.from(`v10:${Buffer.from(plain).reverse().toString('hex')}`);
    },
    decryptString(encrypted: Buffer) {
      const hex = encrypted.toString().replace(/^v10:/, '');
      return Buffer.from(hex, 'hex').reverse().toString();
    },
  };
  return box;
}

function connections(store: ProfileStore, sandboxDir = tempDir()) {
  const made = new Connections({
    store,
    actor: 'desk-user',
    startSandbox: () => startLocalRedis(sandboxDir),
  });
  closers.push(() => made.close());
  return made;
}

function lastConnection(made: Connections) {
  return made.current.hub.last('connection') as EventMap['connection'];
}

describe('connection profiles', () => {
  it('keep passwords only as safeStorage ciphertext, never in the profile file', () => {
    const file = join(tempDir(), 'profiles.json');
    const box = fakeSafeStorage();
    const store = new ProfileStore(file, box);
    const saved = store.save({
      name: 'prod',
      url: 'rediss://ops:hunter2-secret@redis.internal:6380',
    });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('hunter2-secret');
    expect(saved.url).toBe('rediss://redis.internal:6380');
    expect(saved).toMatchObject({ username: 'ops', tls: true });
    expect(box.encrypted).toBe(1);
    expect(new ProfileStore(file, box).password(saved.id)).toBe('hunter2-secret');
  });

  it('refuse to store a password when the keychain is not available, and write nothing', () => {
    const file = join(tempDir(), 'profiles.json');
    const store = new ProfileStore(file, fakeSafeStorage(false));
    expect(() => store.save({ name: 'x', url: 'redis://h:6379', password: 'pw' })).toThrow(
      /keychain is not available/,
    );
    expect(existsSync(file)).toBe(false);
    expect(store.save({ name: 'x', url: 'redis://h:6379' })).toMatchObject({
      password_encrypted: null,
    });
  });

  it('refuse a URL that is not redis:// or rediss://', () => {
    const store = new ProfileStore(join(tempDir(), 'p.json'), fakeSafeStorage());
    expect(() => store.save({ name: 'x', url: 'http://h:6379' })).toThrow(/redis:\/\//);
    expect(() => store.save({ name: 'x', url: 'not a url' })).toThrow(/not a Redis URL/);
  });

  it('connect read-only until writes are unlocked for that profile, and lock again', async () => {
    const store = new ProfileStore(join(tempDir(), 'p.json'), fakeSafeStorage());
    const profile = store.save({ name: 'staging', url: env.server.url });
    const made = connections(store);
    await made.connect(profile.id);
    expect(lastConnection(made)).toMatchObject({ label: 'staging', read_only: true });
    const invoke = (op: 'setFlag', input: unknown) => made.current.dispatcher.invoke({ op, input });
    expect(await invoke('setFlag', { value: 'on', actor_id: 'ops' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });

    await made.setWritesUnlocked(profile.id, true);
    expect(lastConnection(made)).toMatchObject({ read_only: false });
    expect(await invoke('setFlag', { value: 'on', actor_id: 'ops' })).toMatchObject({ ok: true });
    expect(await env.redis.get('ai:flags:new_schema')).toBe('on');
    expect((await made.list())[0]).toMatchObject({ writes_unlocked: true, active: true });

    await made.setWritesUnlocked(profile.id, false);
    expect(await invoke('setFlag', { value: 'off', actor_id: 'ops' })).toMatchObject({
      ok: false,
      error: { code: 'READ_ONLY' },
    });
    expect(await env.redis.get('ai:flags:new_schema')).toBe('on');
  });

  it('log in with the stored password and switch profiles at runtime', async () => {
    const guarded = await startRedisServer();
    closers.push(() => guarded.stop());
    await guarded.client().config('SET', 'requirepass', 'pw-123');
    const store = new ProfileStore(join(tempDir(), 'p.json'), fakeSafeStorage());
    const open = store.save({ name: 'open', url: env.server.url });
    const locked = store.save({ name: 'guarded', url: guarded.url, password: 'pw-123' });
    const made = connections(store);
    await made.connect(open.id);
    await made.connect(locked.id);
    expect(lastConnection(made).label).toBe('guarded');
    const flag = await made.current.dispatcher.invoke({ op: 'getFlag', input: {} });
    expect(flag).toMatchObject({ ok: true, data: { new_schema: 'off' } });
    expect(store.lastUsed).toBe(locked.id);
    await expect(made.remove(locked.id)).rejects.toThrow(/in use/);
  });
});

describe('local sandbox', () => {
  it('runs a private redis-server with AOF in the app folder, writable, and stops it on close', async () => {
    const dir = tempDir();
    const store = new ProfileStore(join(dir, 'p.json'), fakeSafeStorage());
    const made = new Connections({
      store,
      actor: 'desk-user',
      startSandbox: () => startLocalRedis(join(dir, 'local-redis')),
    });
    await made.open({ kind: 'sandbox' });
    expect(lastConnection(made)).toMatchObject({ label: SANDBOX_LABEL, read_only: false });
    const enqueued = await made.current.dispatcher.invoke({
      op: 'enqueue',
      input: sampleJob({ job_id: 'sandbox-1' }),
    });
    expect(enqueued).toMatchObject({ ok: true });
    const port = made.current.core.redis.options.port!;
    expect(await isListening('127.0.0.1', port)).toBe(true);
    expect(readdirSync(join(dir, 'local-redis')).some((f) => f.startsWith('appendonly'))).toBe(
      true,
    );
    await made.close();
    expect(await isListening('127.0.0.1', port)).toBe(false);
  });

  it('says how to install redis-server when it is not on PATH', async () => {
    await expect(startLocalRedis(tempDir(), 'redis-server-not-installed')).rejects.toThrow(
      REDIS_SERVER_MISSING,
    );
  });
});
