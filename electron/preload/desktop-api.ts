import type { InvokeResponse, QueuescopeBridge } from '../../shared/contract';

/**
 * What only the desktop app has on top of the contract: connection profiles. Types and channel
 * names only, so the preload, the main process and the renderer's client share them.
 */
export const PROFILES_CHANNEL = 'queuescope:profiles';
export const CANCEL_CHANNEL = 'queuescope:cancel';
/** The renderer says it wants (true) or no longer wants (false) events. */
export const SUBSCRIBE_CHANNEL = 'queuescope:subscribe';

export interface ProfileView {
  id: string;
  name: string;
  /** Redis URL without credentials. */
  url: string;
  tls: boolean;
  username: string | null;
  has_password: boolean;
  /** Writes were unlocked for this profile in this run of the app. */
  writes_unlocked: boolean;
  active: boolean;
}

export interface ProfileInput {
  /** Absent for a new profile. */
  id?: string;
  name: string;
  url: string;
  tls?: boolean;
  username?: string | null;
  /** A new password; null removes it; absent keeps the stored one. */
  password?: string | null;
}

export interface ProfilesApi {
  list(): Promise<ProfileView[]>;
  save(input: ProfileInput): Promise<ProfileView>;
  remove(id: string): Promise<void>;
  /** Switches the console to this profile's Redis (read-only until unlocked). */
  connect(id: string): Promise<void>;
  /** Unlocks (or locks again) writes for a profile. */
  setWritesUnlocked(id: string, unlocked: boolean): Promise<void>;
  /** Starts the private local Redis ("local sandbox") and connects to it. */
  startSandbox(): Promise<void>;
}

export type ProfilesAction = keyof ProfilesApi;
export const PROFILES_ACTIONS: ProfilesAction[] = [
  'list',
  'save',
  'remove',
  'connect',
  'setWritesUnlocked',
  'startSandbox',
];

export interface ProfilesRequest {
  action: ProfilesAction;
  args: unknown[];
}

export type ProfilesResponse = InvokeResponse;

/** The one object the preload exposes as `window.queuescope`. */
export type DesktopBridge = QueuescopeBridge & { readonly profiles: ProfilesApi };
