import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ValidationError } from '../core/errors';
import type { ProfileInput } from '../preload/desktop-api';

/** Electron's safeStorage, or a fake of it in tests. */
export interface SecretBox {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

export interface StoredProfile {
  id: string;
  name: string;
  url: string;
  tls: boolean;
  username: string | null;
  /** The password encrypted by the OS keychain via safeStorage, base64; never plain text. */
  password_encrypted: string | null;
}

interface ProfileFile {
  version: 1;
  last_used: string | null;
  profiles: StoredProfile[];
}

const EMPTY: ProfileFile = { version: 1, last_used: null, profiles: [] };

/** Connection profiles in one JSON file in the app's data folder; passwords only encrypted. */
export class ProfileStore {
  private data: ProfileFile;

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
    if (!found) throw new ValidationError(`There is no connection profile with id ${id}.`);
    return { ...found };
  }

  get lastUsed(): string | null {
    return this.data.last_used;
  }

  markUsed(id: string): void {
    this.data.last_used = id;
    this.write();
  }

  save(input: ProfileInput): StoredProfile {
    const name = input.name?.trim();
    if (!name) throw new ValidationError('A profile needs a name.', { field: 'name' });
    const { url, userFromUrl, passwordFromUrl } = splitRedisUrl(input.url);
    const previous = input.id ? this.get(input.id) : null;
    const password = input.password !== undefined ? input.password : passwordFromUrl;
    const profile: StoredProfile = {
      id: previous?.id ?? randomUUID(),
      name,
      url,
      tls: input.tls ?? url.startsWith('rediss:'),
      username: input.username?.trim() || userFromUrl || null,
      password_encrypted:
        password === undefined
          ? (previous?.password_encrypted ?? null)
          : password === null || password === ''
            ? null
            : this.encrypt(password),
    };
    this.data.profiles = [...this.data.profiles.filter((p) => p.id !== profile.id), profile];
    this.write();
    return { ...profile };
  }

  remove(id: string): void {
    this.data.profiles = this.data.profiles.filter((p) => p.id !== id);
    if (this.data.last_used === id) this.data.last_used = null;
    this.write();
  }

  /** The decrypted password, only ever held in memory. */
  password(id: string): string | undefined {
    const encrypted = this.get(id).password_encrypted;
    if (!encrypted) return undefined;
    return this.box.decryptString(Buffer.from(encrypted, 'base64'));
  }

  private encrypt(password: string): string {
    if (!this.box.isEncryptionAvailable()) {
      throw new ValidationError(
        'The system keychain is not available, so the password cannot be stored safely. Unlock the keychain (or install a Secret Service such as gnome-keyring on Linux) and save again; Queuescope never writes passwords in plain text.',
        { field: 'password' },
      );
    }
    return this.box.encryptString(password).toString('base64');
  }

  private write(): void {
    mkdirSync(dirname(this.file), { recursive: true });
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, `${JSON.stringify(this.data, null, 2)}\n`, { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

function readProfileFile(file: string): ProfileFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return structuredClone(EMPTY);
  }
  const parsed = JSON.parse(text) as Partial<ProfileFile>;
  return {
    version: 1,
    last_used: parsed.last_used ?? null,
    profiles: Array.isArray(parsed.profiles) ? parsed.profiles : [],
  };
}

/** The URL without credentials; a user or password typed into it is taken out and returned. */
export function splitRedisUrl(raw: string): {
  url: string;
  userFromUrl: string | null;
  passwordFromUrl: string | undefined;
} {
  let url: URL;
  try {
    url = new URL(raw?.trim());
  } catch {
    throw new ValidationError(
      `${JSON.stringify(raw)} is not a Redis URL; write it as redis://host:6379 or rediss://host:6380.`,
      { field: 'url' },
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new ValidationError(
      `A Redis URL starts with redis:// or rediss:// (got ${url.protocol}//).`,
      { field: 'url' },
    );
  }
  const userFromUrl = url.username ? decodeURIComponent(url.username) : null;
  const passwordFromUrl = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  return { url: url.toString().replace(/\/$/, ''), userFromUrl, passwordFromUrl };
}
