import { isListening } from './local-redis';
import type { Target } from './connections';
import type { ProfileStore } from './profile-store';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * What to connect to at start: REDIS_URL when set, else the last used (or first) profile, else
 * a Redis answering on the default address, else nothing (the app then offers the sandbox).
 */
export async function initialTarget(
  store: ProfileStore,
  env: NodeJS.ProcessEnv = process.env,
  defaultListening: () => Promise<boolean> = () => isListening('127.0.0.1', 6379),
): Promise<Target | null> {
  if (env.REDIS_URL) return { kind: 'default', url: env.REDIS_URL };
  const profiles = store.list();
  const last = profiles.find((p) => p.id === store.lastUsed) ?? profiles[0];
  if (last) return { kind: 'profile', profile: last };
  if (await defaultListening()) return { kind: 'default', url: DEFAULT_REDIS_URL };
  return null;
}
