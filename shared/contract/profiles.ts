import { z } from 'zod';
import { describe, ID_PATTERN } from './ids';
import type { PROFILE_OPERATION_NAMES } from './names';
import { operation } from './operation';
import type { QueuescopeBridge } from './transport';

/**
 * The desktop app's connection profiles (docs/desktop.md). They are contract operations like any
 * other, validated by these schemas, but only the desktop app answers them: its main process owns
 * the connection. The web host and the command line serve the one Redis they were started on, and
 * answer these operations with an error that says so.
 */

/** Where a profile's password is kept: nowhere, encrypted on disk, or in memory for this run. */
export type PasswordKeeping = 'none' | 'stored' | 'session';

export interface ProfileView {
  id: string;
  name: string;
  /** Redis URL without credentials. */
  url: string;
  tls: boolean;
  /** TLS settings, as the command line's --tls-ca, --tls-cert, --tls-key, --tls-servername, --tls-insecure. */
  tls_ca: string | null;
  tls_cert: string | null;
  tls_key: string | null;
  tls_servername: string | null;
  tls_insecure: boolean;
  username: string | null;
  password: PasswordKeeping;
  /** The sentinels' own password (Sentinel URLs only), kept as the password is. */
  sentinel_password: PasswordKeeping;
  /**
   * Writes are unlocked for this profile's current target (host, port, db, user, TLS and its
   * settings; for Sentinel the sentinels and master name) in this run
   * of the app. Saving the profile with another target locks it again.
   */
  writes_unlocked: boolean;
  active: boolean;
}

/** Whether a password can be kept on disk here, and if not, why (the form shows it). */
export interface PasswordStorage {
  /** Electron safeStorage encrypts with a key from the system keyring. */
  can_store: boolean;
  /** safeStorage's backend on Linux (e.g. gnome_libsecret, kwallet5, basic_text); null elsewhere. */
  backend: string | null;
  /** Why a password cannot be stored; absent when it can. */
  reason?: string;
}

export interface ProfilesState {
  profiles: ProfileView[];
  password_storage: PasswordStorage;
}

const profileId = z
  .string({ error: (i) => `id must be a profile id (got ${describe(i.input)})` })
  .regex(ID_PATTERN, { error: (i) => `id must be a profile id (got ${describe(i.input)})` });

const byId = z.object({ id: profileId }).strict();

/** A TLS file's path: read when connecting, not when saving (the file may be replaced). */
const tlsFile = (field: string, what: string) =>
  z
    .string({ error: `${field} must be the path of ${what}, or null` })
    .trim()
    .max(4096, { error: `${field} must be at most 4096 characters` })
    .nullable()
    .optional();

// Neither the URL nor the password is ever echoed in a message: either may hold a secret.
const profileInput = z
  .object({
    /** Absent for a new profile. */
    id: profileId.optional(),
    name: z
      .string({ error: (i) => `name must be a string (got ${describe(i.input)})` })
      .trim()
      .min(1, { error: 'A profile needs a name.' })
      .max(100, { error: 'name must be at most 100 characters' }),
    /**
     * redis://, rediss://, redis+sentinel://host:port[,host:port…]/master[?db=N] or
     * rediss+sentinel://…; a user or password in it is moved out by the store.
     */
    url: z
      .string({ error: 'url must be a string such as redis://host:6379' })
      .min(1, { error: 'A profile needs a Redis URL, such as redis://host:6379.' })
      .max(2048, { error: 'url must be at most 2048 characters' }),
    tls: z
      .boolean({ error: (i) => `tls must be true or false (got ${describe(i.input)})` })
      .optional(),
    /** --tls-ca: PEM file of the CA that signed the server's certificate. */
    tls_ca: tlsFile('tls_ca', 'a PEM CA file'),
    /** --tls-cert and --tls-key: a client certificate and its key; both or neither. */
    tls_cert: tlsFile('tls_cert', 'a PEM client certificate'),
    tls_key: tlsFile('tls_key', "the client certificate's PEM key"),
    /** --tls-servername: the name the server's certificate must carry (and SNI). */
    tls_servername: z
      .string({ error: 'tls_servername must be a host name, or null' })
      .trim()
      .max(253, { error: 'tls_servername must be at most 253 characters' })
      .regex(/^[^\s/]*$/, { error: 'tls_servername must be a host name (no spaces or "/")' })
      .nullable()
      .optional(),
    /** --tls-insecure: do not verify the certificate (encrypted, not authenticated). */
    tls_insecure: z
      .boolean({ error: (i) => `tls_insecure must be true or false (got ${describe(i.input)})` })
      .optional(),
    username: z
      .string({ error: 'username must be a string or null' })
      .max(256, { error: 'username must be at most 256 characters' })
      .nullable()
      .optional(),
    /** A new password; null removes it; absent keeps the current one (same target only). */
    password: z
      .string({ error: 'password must be a string or null' })
      .max(4096, { error: 'password must be at most 4096 characters' })
      .nullable()
      .optional(),
    /**
     * The sentinels' own password, for a Sentinel URL whose sentinels require one (`requirepass`);
     * null removes it, absent keeps it (same target only). Never part of the URL.
     */
    sentinel_password: z
      .string({ error: 'sentinel_password must be a string or null' })
      .max(4096, { error: 'sentinel_password must be at most 4096 characters' })
      .nullable()
      .optional(),
    /**
     * Where a new password or sentinel password is kept: encrypted on disk (default) or for this
     * run of the app only.
     */
    password_keeping: z
      .enum(['stored', 'session'], {
        error: (i) => `password_keeping must be stored or session (got ${describe(i.input)})`,
      })
      .optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (Boolean(input.tls_cert) !== Boolean(input.tls_key)) {
      ctx.addIssue({
        code: 'custom',
        path: [input.tls_cert ? 'tls_key' : 'tls_cert'],
        message:
          'A TLS client certificate needs its key, and a key its certificate: give both tls_cert and tls_key, or neither.',
      });
    }
  });
export type ProfileInput = z.input<typeof profileInput>;

export const profileOperations = {
  listProfiles: operation<ProfilesState>()({
    summary: 'The saved connection profiles, and whether a password can be stored here.',
    writes: false,
    input: z.object({}).strict().optional(),
  }),
  saveProfile: operation<ProfileView>()({
    summary: 'Add or change a connection profile; another target locks its writes again.',
    writes: false,
    input: profileInput,
  }),
  removeProfile: operation<null>()({
    summary: 'Remove a connection profile that is not in use.',
    writes: false,
    input: byId,
  }),
  connectProfile: operation<null>()({
    summary: "Switch the console to a profile's Redis (read-only until unlocked).",
    writes: false,
    input: byId,
  }),
  setWritesUnlocked: operation<null>()({
    summary: "Unlock (or lock again) writes for a profile's current target, for this run.",
    writes: false,
    input: z
      .object({
        id: profileId,
        unlocked: z.boolean({
          error: (i) => `unlocked must be true or false (got ${describe(i.input)})`,
        }),
      })
      .strict(),
  }),
  startSandbox: operation<null>()({
    summary: 'Start the private local Redis ("local sandbox") and connect to it.',
    writes: false,
    input: z.object({}).strict().optional(),
  }),
};

export type ProfileOperationName = (typeof PROFILE_OPERATION_NAMES)[number];

/** What the desktop preload exposes as `window.queuescope`: the bridge, marked as the desktop's. */
export interface DesktopBridge extends QueuescopeBridge {
  /** Only the desktop app answers the profile operations. */
  readonly desktop: true;
}
