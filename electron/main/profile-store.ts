import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  PasswordKeeping,
  PasswordStorage,
  ProfileInput,
} from '../../shared/contract/profiles';
import { NotFoundError, ValidationError } from '../core/errors';
import {
  describeTarget,
  isSentinelUrl,
  splitRedisUrl,
  targetIdentity,
  type ProfileTarget,
} from './profile-target';
import { tlsSettingsOf, tlsSettingsFromFile } from './profile-tls';

/** Electron's safeStorage, or a fake of it in tests. */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: which keyring encrypts; `basic_text` means none (a key built into Chromium). */
  getSelectedStorageBackend?(): string;
}

export interface StoredProfile extends ProfileTarget {
  id: string;
  name: string;
  /** The password encrypted by the OS keychain via safeStorage, base64; never plain text. */
  password_encrypted: string | null;
  /** The sentinels' own password (Sentinel URLs only), kept as the password is. */
  sentinel_password_encrypted: string | null;
}

interface ProfileFile {
  version: 1;
  last_used: string | null;
  profiles: StoredProfile[];
}

/** A profile's password after a save: encrypted for the file, or held in memory for this run. */
interface Secret {
  encrypted: string | null;
  session: string | null;
}

const NONE: Secret = { encrypted: null, session: null };

/** The two secrets of a profile: the Redis password, and the sentinels' own (docs/desktop.md "Secrets"). */
export type SecretKind = 'password' | 'sentinel_password';

const SECRETS = {
  password: { stored: 'password_encrypted', what: 'password' },
  sentinel_password: { stored: 'sentinel_password_encrypted', what: 'sentinel password' },
} as const satisfies Record<SecretKind, { stored: keyof StoredProfile; what: string }>;

/**
 * Connection profiles in one JSON file in the app's data folder (docs/desktop.md). A password (and
 * a Sentinel URL's sentinel password) is kept either encrypted by the system keychain (never where the keychain is missing) or only in
 * this process for this run; both are bound to the target they were entered for.
 */
export class ProfileStore {
  private data: ProfileFile;
  /** Per kind of secret: profile id -> a secret kept for this run, and the target it was entered for. */
  private readonly session = {
    password: new Map<string, { identity: string; password: string }>(),
    sentinel_password: new Map<string, { identity: string; password: string }>(),
  };

  constructor(
    private readonly file: string,
    private readonly box: SecretBox,
  ) {
    this.data = readProfileFile(file);
  }

  list(): StoredProfile[] {
    return this.data.profiles.map((p) => ({ ...p }));
  }

  get(id: string): StoredProfile {
    const found = this.data.profiles.find((p) => p.id === id);
    if (!found) throw new NotFoundError(`There is no connection profile with id ${id}.`);
    return { ...found };
  }

  get lastUsed(): string | null {
    return this.data.last_used;
  }

  markUsed(id: string): void {
    this.data.last_used = id;
    this.write();
  }

  /**
   * Whether a password may be written to disk. On Linux without a keyring Electron still says
   * encryption is available, but encrypts with a fixed key (`basic_text`): as good as plain text.
   */
  storage(): PasswordStorage {
    const backend = backendOf(this.box);
    if (!this.box.isEncryptionAvailable()) {
      return {
        can_store: false,
        backend,
        reason:
          'The system keychain is not available, so a password cannot be stored safely. Keep it for this session only, or unlock the keychain and save again.',
      };
    }
    if (backend === 'basic_text') {
      return {
        can_store: false,
        backend,
        reason:
          'No system keyring was found (Electron would encrypt with a fixed key, "basic_text"), so a password saved to disk would be as readable as plain text. Keep it for this session only, or install and unlock a keyring such as gnome-keyring or KWallet and start Queuescope again.',
      };
    }
    return { can_store: true, backend };
  }

  keeping(profile: StoredProfile, kind: SecretKind = 'password'): PasswordKeeping {
    if (this.sessionSecret(profile, kind) !== undefined) return 'session';
    return profile[SECRETS[kind].stored] ? 'stored' : 'none';
  }

  /** Adds or changes a profile; nothing is written when any part of it is refused. */
  save(input: ProfileInput): StoredProfile {
    const previous = input.id ? this.get(input.id) : null;
    const name = input.name.trim();
    if (!name) throw new ValidationError('A profile needs a name.', { field: 'name' });
    const { url, userFromUrl, passwordFromUrl } = splitRedisUrl(input.url);
    const tls = input.tls ?? url.startsWith('rediss');
    const target: ProfileTarget = {
      url,
      tls,
      username: input.username?.trim() || userFromUrl || null,
      ...tlsSettingsOf(input, tls || url.startsWith('rediss')),
    };
    const entered = input.password !== undefined ? input.password : passwordFromUrl;
    const keeping = input.password_keeping ?? 'stored';
    const secret = this.nextSecret('password', previous, target, entered, keeping);
    const sentinelSecret = this.nextSecret(
      'sentinel_password',
      previous,
      target,
      input.sentinel_password,
      keeping,
    );
    const profile: StoredProfile = {
      id: previous?.id ?? randomUUID(),
      name,
      ...target,
      password_encrypted: secret.encrypted,
      sentinel_password_encrypted: sentinelSecret.encrypted,
    };
    const index = this.data.profiles.findIndex((p) => p.id === profile.id);
    const profiles = [...this.data.profiles];
    if (index === -1) profiles.push(profile);
    else profiles[index] = profile;
    this.write({ ...this.data, profiles });
    this.keepForSession('password', profile.id, target, secret);
    this.keepForSession('sentinel_password', profile.id, target, sentinelSecret);
    return { ...profile };
  }

  remove(id: string): void {
    const profiles = this.data.profiles.filter((p) => p.id !== id);
    this.write({
      ...this.data,
      profiles,
      last_used: this.data.last_used === id ? null : this.data.last_used,
    });
    this.session.password.delete(id);
    this.session.sentinel_password.delete(id);
  }

  /** The password to log in with, only ever held in memory; never one entered for another target. */
  password(id: string): string | undefined {
    return this.secret(id, 'password');
  }

  /** The sentinels' own password, held like the password and bound to the target the same way. */
  sentinelPassword(id: string): string | undefined {
    return this.secret(id, 'sentinel_password');
  }

  private secret(id: string, kind: SecretKind): string | undefined {
    const profile = this.get(id);
    const session = this.sessionSecret(profile, kind);
    if (session !== undefined) return session;
    const encrypted = profile[SECRETS[kind].stored];
    if (!encrypted) return undefined;
    try {
      return this.box.decryptString(Buffer.from(encrypted, 'base64'));
    } catch {
      const what = SECRETS[kind].what;
      throw new ValidationError(
        `The stored ${what} of ${profile.name} cannot be decrypted here (the keychain that encrypted it is not available). Enter the ${what} again in the profile.`,
        { field: kind, reason: 'undecryptable' },
      );
    }
  }

  private sessionSecret(profile: StoredProfile, kind: SecretKind): string | undefined {
    const held = this.session[kind].get(profile.id);
    return held && held.identity === targetIdentity(profile) ? held.password : undefined;
  }

  private keepForSession(kind: SecretKind, id: string, target: ProfileTarget, secret: Secret) {
    if (secret.session === null) this.session[kind].delete(id);
    else this.session[kind].set(id, { identity: targetIdentity(target), password: secret.session });
  }

  /** What the saved profile's secret will be: a new one, none, or the current one kept. */
  private nextSecret(
    kind: SecretKind,
    previous: StoredProfile | null,
    target: ProfileTarget,
    entered: string | null | undefined,
    keeping: 'stored' | 'session',
  ): Secret {
    if (entered === null || entered === '') return NONE;
    if (kind === 'sentinel_password' && !isSentinelUrl(target.url)) {
      // Kept or typed, it would go nowhere: only a Sentinel URL has sentinels to send it to.
      const kept = entered === undefined && previous && this.keeping(previous, kind) !== 'none';
      if (entered === undefined && !kept) return NONE;
      throw new ValidationError(
        `A sentinel password is only for a redis+sentinel:// or rediss+sentinel:// URL; ${target.url} reaches Redis directly. ${kept ? 'Remove the sentinel password' : 'Leave the sentinel password empty'}, or give a Sentinel URL.`,
        { field: kind, reason: 'not_sentinel' },
      );
    }
    if (entered !== undefined) {
      return keeping === 'session'
        ? { encrypted: null, session: entered }
        : { encrypted: this.encrypt(entered, kind), session: null };
    }
    if (!previous) return NONE;
    const kept: Secret = {
      encrypted: previous[SECRETS[kind].stored],
      session: this.sessionSecret(previous, kind) ?? null,
    };
    const hasSecret = kept.encrypted !== null || kept.session !== null;
    if (hasSecret && targetIdentity(previous) !== targetIdentity(target)) {
      const what = SECRETS[kind].what;
      throw new ValidationError(
        `This profile now points at ${describeTarget(target)} instead of ${describeTarget(previous)}. Its ${what} is never sent to another target without being entered again: type the ${what} again, or remove it.`,
        { field: kind, reason: 'target_changed' },
      );
    }
    return kept;
  }

  private encrypt(secret: string, kind: SecretKind): string {
    const storage = this.storage();
    if (!storage.can_store) {
      throw new ValidationError(storage.reason ?? 'A password cannot be stored here.', {
        field: kind,
        reason: 'no_keyring',
        backend: storage.backend,
      });
    }
    return this.box.encryptString(secret).toString('base64');
  }

  /** Replaces the file (write, then rename) and only then the data in memory. */
  private write(next: ProfileFile = this.data): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
    this.data = next;
  }
}

function backendOf(box: SecretBox): string | null {
  try {
    return box.getSelectedStorageBackend?.() ?? null;
  } catch {
    return null;
  }
}

function readProfileFile(file: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { version: 1, last_used: null, profiles: [] };
  }
  const parsed = JSON.parse(text) as Partial<ProfileFile>;
  const profiles = (Array.isArray(parsed.profiles) ? parsed.profiles : []).flatMap(sanitize);
  return { version: 1, last_used: parsed.last_used ?? null, profiles };
}

/** A profile as read from disk, with every field of its declared type (older files held strings). */
function sanitize(p: Partial<StoredProfile>): StoredProfile[] {
  if (typeof p.id !== 'string' || typeof p.name !== 'string' || typeof p.url !== 'string')
    return [];
  return [
    {
      id: p.id,
      name: p.name,
      url: p.url,
      tls: tlsFromFile(p.tls),
      username: typeof p.username === 'string' && p.username ? p.username : null,
      ...tlsSettingsFromFile(p),
      password_encrypted: typeof p.password_encrypted === 'string' ? p.password_encrypted : null,
      sentinel_password_encrypted:
        typeof p.sentinel_password_encrypted === 'string' ? p.sentinel_password_encrypted : null,
    },
  ];
}

/**
 * Files written before profiles had a schema may hold TLS as text ("yes"). Read as off, such a
 * profile would send its password in the clear; so anything but a clear "no" reads as TLS on.
 */
function tlsFromFile(value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return false;
  return !/^(false|no|off|0|)$/i.test(value.trim());
}
