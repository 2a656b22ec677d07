import type { Redis } from 'ioredis';
import type { ProfileInput, ProfilesState, ProfileView } from '../../shared/contract/profiles';
import { createHostSession, type HostSession } from '../adapters/host-session';
import { labelOf } from '../adapters/labels';
import { QueueCore } from '../core/core';
import { ConflictError, QueuescopeError } from '../core/errors';
import { createRedisClient, type ConnectionOptions } from '../core/redis/connection';
import { SANDBOX_LABEL, type LocalRedis } from './local-redis';
import { profileHandlers } from './profile-handlers';
import type { ProfileStore, StoredProfile } from './profile-store';
import { targetIdentity, tlsConnectionOf } from './profile-target';

/** Where the console is connected: a saved profile, the default address, or the sandbox. */
export type Target =
  | { kind: 'profile'; profile: StoredProfile }
  | { kind: 'default'; url: string }
  | { kind: 'sandbox' };

export interface ConnectionsOptions {
  store: ProfileStore;
  actor: string;
  /** Starts the private local Redis; called at most once per run. */
  startSandbox: () => Promise<LocalRedis>;
  createClient?: (options: ConnectionOptions) => Redis;
}

interface Active {
  target: Target;
  client: Redis;
  key: string;
}

/**
 * The desktop app's connection: one Redis client per chosen profile, a core over it that is
 * read-only until writes are unlocked for that profile's target (unlocks last for this run only;
 * docs/desktop.md "Unlock"), and one host session whose events survive every switch. Its methods
 * answer the contract's profile operations through the session's dispatcher.
 */
export class Connections {
  private session: HostSession | null = null;
  private active: Active | null = null;
  /** Profile id -> the target identity its writes were unlocked for. */
  private readonly unlocks = new Map<string, string>();
  private sandbox: LocalRedis | null = null;
  private readonly createClient: (options: ConnectionOptions) => Redis;

  constructor(private readonly options: ConnectionsOptions) {
    this.createClient = options.createClient ?? createRedisClient;
  }

  get current(): HostSession {
    if (!this.session) throw new Error('no connection opened yet');
    return this.session;
  }

  /** Opens (or switches to) a target; the previous client is closed once the switch is done. */
  async open(target: Target): Promise<HostSession> {
    const { url, connection, label, key } = await this.resolve(target);
    const client = this.createClient({ ...connection, url });
    const core = new QueueCore({ redis: client, readOnly: !this.writable(target) });
    const previous = this.active;
    const previousCore = this.session?.core;
    this.active = { target, client, key };
    if (this.session) this.session.replaceCore(core, label);
    else
      this.session = createHostSession({
        core,
        label,
        actor: this.options.actor,
        door: profileHandlers(this),
      });
    if (target.kind === 'profile') this.options.store.markUsed(target.profile.id);
    if (previous) {
      await previousCore?.close().catch(() => undefined);
      previous.client.disconnect();
    }
    return this.session;
  }

  private async resolve(target: Target) {
    switch (target.kind) {
      case 'profile': {
        const p = target.profile;
        const password = this.options.store.password(p.id);
        const sentinelPassword = this.options.store.sentinelPassword(p.id);
        return {
          url: p.url,
          connection: {
            url: p.url,
            tls: tlsConnectionOf(p),
            ...(p.username ? { username: p.username } : {}),
            ...(password ? { password } : {}),
            ...(sentinelPassword ? { sentinelPassword } : {}),
          },
          label: p.name,
          key: `profile:${p.id}`,
        };
      }
      case 'default':
        return {
          url: target.url,
          connection: { url: target.url },
          label: labelOf(target.url),
          key: 'default',
        };
      case 'sandbox': {
        this.sandbox ??= await this.options.startSandbox();
        return {
          url: this.sandbox.url,
          connection: { url: this.sandbox.url },
          label: SANDBOX_LABEL,
          key: 'sandbox',
        };
      }
    }
  }

  async list(): Promise<ProfilesState> {
    return {
      profiles: this.options.store.list().map((p) => this.view(p)),
      password_storage: this.options.store.storage(),
    };
  }

  /** Saving with another target drops its unlock; the profile in use is reopened as saved. */
  async save(input: ProfileInput): Promise<ProfileView> {
    const saved = this.options.store.save(input);
    if (this.unlocks.has(saved.id) && !this.unlockedFor(saved)) this.unlocks.delete(saved.id);
    if (this.isActiveProfile(saved.id)) {
      try {
        await this.open({ kind: 'profile', profile: saved });
      } catch (error) {
        // Saved, but its new settings do not connect (an unreadable TLS file): the console stays
        // on the old connection, locked unless the unlock still holds for the saved target.
        const locked = !this.unlockedFor(saved);
        if (locked) await this.setActiveReadOnly(true);
        throw savedButNotConnected(error, locked);
      }
    }
    return this.view(saved);
  }

  async remove(id: string): Promise<void> {
    if (this.isActiveProfile(id)) {
      throw new ConflictError(
        'This profile is in use. Connect to another one first, then remove it.',
      );
    }
    this.options.store.remove(id);
    this.unlocks.delete(id);
  }

  async connect(id: string): Promise<void> {
    await this.open({ kind: 'profile', profile: this.options.store.get(id) });
  }

  /** Unlocks (or locks again) writes for the profile's current target, for this run. */
  async setWritesUnlocked(id: string, unlocked: boolean): Promise<void> {
    const profile = this.options.store.get(id);
    if (unlocked) this.unlocks.set(id, targetIdentity(profile));
    else this.unlocks.delete(id);
    if (this.active?.key === `profile:${id}`) await this.setActiveReadOnly(!unlocked);
  }

  /** A new core over the same client, read-only or not; the session's events carry on. */
  private async setActiveReadOnly(readOnly: boolean): Promise<void> {
    if (!this.active || !this.session) return;
    const core = new QueueCore({ redis: this.active.client, readOnly });
    const previous = this.session.core;
    this.session.replaceCore(core, this.session.label);
    await previous.close().catch(() => undefined);
  }

  async startSandbox(): Promise<void> {
    await this.open({ kind: 'sandbox' });
  }

  /** The sandbox has nothing to protect; a profile only for the target it was unlocked for. */
  private writable(target: Target): boolean {
    if (target.kind === 'sandbox') return true;
    return target.kind === 'profile' && this.unlockedFor(target.profile);
  }

  private unlockedFor(profile: StoredProfile): boolean {
    return this.unlocks.get(profile.id) === targetIdentity(profile);
  }

  private isActiveProfile(id: string): boolean {
    return this.active?.target.kind === 'profile' && this.active.target.profile.id === id;
  }

  private view(p: StoredProfile): ProfileView {
    return {
      id: p.id,
      name: p.name,
      url: p.url,
      tls: p.tls,
      tls_ca: p.tls_ca,
      tls_cert: p.tls_cert,
      tls_key: p.tls_key,
      tls_servername: p.tls_servername,
      tls_insecure: p.tls_insecure,
      username: p.username,
      password: this.options.store.keeping(p),
      sentinel_password: this.options.store.keeping(p, 'sentinel_password'),
      writes_unlocked: this.unlockedFor(p),
      active: this.isActiveProfile(p.id),
    };
  }

  /** Closes the connection and stops the sandbox Redis if this run started it. */
  async close(): Promise<void> {
    const core = this.session?.core;
    await this.session?.close();
    await core?.close().catch(() => undefined);
    this.active?.client.disconnect();
    await this.sandbox?.stop();
    this.sandbox = null;
  }
}

/** Why the saved profile in use was not reconnected; `details.saved` says the save itself held. */
function savedButNotConnected(error: unknown, locked: boolean): QueuescopeError {
  const why = error instanceof Error ? error.message : String(error);
  const stays = `the console stays on the previous connection${locked ? ', read-only' : ''}`;
  return new QueuescopeError(
    error instanceof QueuescopeError ? error.code : 'REDIS_UNAVAILABLE',
    `Saved, but not connected with these settings (${stays}): ${why}`,
    { ...(error instanceof QueuescopeError ? error.details : {}), saved: true },
  );
}
