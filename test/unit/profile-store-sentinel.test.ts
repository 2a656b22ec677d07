import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProfileStore } from '../../electron/main/profile-store';
import { fakeSafeStorage } from '../integration/ipc-fakes';
import { refusal } from '../helpers/refusal';

/**
 * docs/desktop.md "Secrets": a Sentinel profile's sentinel password is kept as its password is,
 * encrypted by the keychain or for this run only, never in the plain-text profile file.
 */
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

function storeAt(box = fakeSafeStorage()) {
  const dir = mkdtempSync(join(tmpdir(), 'queuescope-profiles-'));
  dirs.push(dir);
  const file = join(dir, 'profiles.json');
  return { file, box, store: new ProfileStore(file, box) };
}

const SENTINELS = 'redis+sentinel://10.0.0.1:26379,10.0.0.2:26379/orders';
const SECRET = 'watchers-only-s3cret';

describe('a sentinel password (docs/desktop.md "Secrets")', () => {
  it('is stored encrypted, never as plain text in the profile file, and read back for connecting', () => {
    const { file, box, store } = storeAt();
    const saved = store.save({ name: 'ha', url: SENTINELS, sentinel_password: SECRET });
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(Buffer.from(SECRET).toString('base64'));
    const onDisk = JSON.parse(text) as { profiles: Array<Record<string, unknown>> };
    expect(onDisk.profiles[0]).toMatchObject({
      url: SENTINELS,
      password_encrypted: null,
      sentinel_password_encrypted: expect.any(String),
    });
    expect(box.encrypted).toBe(1);
    expect(store.keeping(saved, 'sentinel_password')).toBe('stored');
    expect(store.keeping(saved, 'password')).toBe('none');
    expect(store.password(saved.id)).toBeUndefined();
    const reopened = new ProfileStore(file, box);
    expect(reopened.sentinelPassword(saved.id)).toBe(SECRET);
  });

  it('kept for this session only, it is never written and is gone after a restart', () => {
    const { file, box, store } = storeAt(fakeSafeStorage({ backend: 'basic_text' }));
    const saved = store.save({
      name: 'ha',
      url: SENTINELS,
      sentinel_password: SECRET,
      password_keeping: 'session',
    });
    expect(store.sentinelPassword(saved.id)).toBe(SECRET);
    expect(store.keeping(saved, 'sentinel_password')).toBe('session');
    expect(readFileSync(file, 'utf8')).not.toContain(SECRET);
    expect(box.encrypted).toBe(0);
    expect(new ProfileStore(file, box).sentinelPassword(saved.id)).toBeUndefined();
  });

  it('is refused for storing where no keyring encrypts, naming its field', () => {
    const { file, store } = storeAt(fakeSafeStorage({ backend: 'basic_text' }));
    const refused = refusal(() =>
      store.save({ name: 'ha', url: SENTINELS, sentinel_password: SECRET }),
    );
    expect(refused).toMatchObject({
      code: 'VALIDATION',
      details: { field: 'sentinel_password', reason: 'no_keyring' },
    });
    expect(() => readFileSync(file)).toThrow(/ENOENT/);
  });

  it('is kept by a save that leaves it out, and removed by null', () => {
    const { store } = storeAt();
    const saved = store.save({ name: 'ha', url: SENTINELS, sentinel_password: SECRET });
    store.save({ id: saved.id, name: 'ha (eu)', url: SENTINELS });
    expect(store.sentinelPassword(saved.id)).toBe(SECRET);
    store.save({ id: saved.id, name: 'ha', url: SENTINELS, sentinel_password: null });
    expect(store.sentinelPassword(saved.id)).toBeUndefined();
  });

  it('is never sent to other sentinels without being entered again', () => {
    const { file, store } = storeAt();
    const saved = store.save({ name: 'ha', url: SENTINELS, sentinel_password: SECRET });
    const before = readFileSync(file, 'utf8');
    const moved = refusal(() =>
      store.save({ id: saved.id, name: 'ha', url: SENTINELS.replace('10.0.0.2', '10.9.9.9') }),
    );
    expect(moved).toMatchObject({
      details: { field: 'sentinel_password', reason: 'target_changed' },
    });
    expect(moved.message).toMatch(/sentinel password is never sent to another target/);
    expect(moved.message).not.toContain(SECRET);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('belongs to Sentinel URLs only: refused with a plain URL, typed or kept', () => {
    const { store } = storeAt();
    const typed = refusal(() =>
      store.save({ name: 'one', url: 'redis://10.0.0.1:6379', sentinel_password: SECRET }),
    );
    expect(typed).toMatchObject({
      details: { field: 'sentinel_password', reason: 'not_sentinel' },
    });
    expect(typed.message).toMatch(/only for a redis\+sentinel:\/\//);
    const saved = store.save({ name: 'ha', url: SENTINELS, sentinel_password: SECRET });
    const kept = refusal(() => store.save({ id: saved.id, name: 'ha', url: 'redis://10.0.0.1' }));
    expect(kept).toMatchObject({ details: { reason: 'not_sentinel' } });
    expect(kept.message).toMatch(/Remove the sentinel password/);
    const plain = store.save({
      id: saved.id,
      name: 'ha',
      url: 'redis://10.0.0.1',
      sentinel_password: null,
    });
    expect(plain.sentinel_password_encrypted).toBeNull();
  });
});
