import { queryOptions, useQuery } from '@tanstack/react-query';
import type { EventMap } from '../../shared/contract';
import { hasProfiles } from '../api/client';

export type ConnectionInfo = EventMap['connection'] & {
  /** When this state began (ms), so the banner can say how long Redis has been away. */
  since: number;
};

export const connectionKeys = { all: ['connection'] as const };

const INITIAL: ConnectionInfo = {
  state: 'connecting',
  read_only: false,
  label: 'Redis',
  since: Date.now(),
};

/**
 * The connection is pushed by the host (the `connection` event), never fetched: the cache entry is
 * written by the event subscription, and `enabled: false` keeps invalidations from resetting it.
 */
export const connectionQueryOptions = queryOptions({
  queryKey: connectionKeys.all,
  queryFn: () => INITIAL,
  initialData: INITIAL,
  enabled: false,
  staleTime: Infinity,
  gcTime: Infinity,
});

export const useConnection = () => useQuery(connectionQueryOptions).data;

/** The desktop app unlocks writes per profile; the web host has to be restarted without read-only. */
export const READ_ONLY_REASON = hasProfiles
  ? 'This connection is read-only, so writes are disabled. Use "Unlock writes" next to the connection to change anything.'
  : 'This connection is read-only, so writes are disabled. Reconnect without read-only to change anything.';

/** Why write controls are disabled right now, or null when writes are allowed. */
export function useWriteBlockReason(): string | null {
  return useConnection().read_only ? READ_ONLY_REASON : null;
}
