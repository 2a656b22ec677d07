import { queryOptions, useQuery } from '@tanstack/react-query';
import type { EventMap } from '../../shared/contract';
import { hasProfiles } from '../api/client';

export type ConnectionInfo = EventMap['connection'] & {
  /** When this state began (ms), so the banner can say how long Redis has been away. */
  since: number;
};

export const connectionKeys = {
  all: ['connection'] as const,
  /** The health probe's latest round trip, kept apart so a new figure re-renders only the badge. */
  latency: ['connection-latency'] as const,
};

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

export const connectionLatencyQueryOptions = queryOptions({
  queryKey: connectionKeys.latency,
  queryFn: () => null as number | null,
  initialData: null as number | null,
  enabled: false,
  staleTime: Infinity,
  gcTime: Infinity,
});

export const useConnectionLatency = () => useQuery(connectionLatencyQueryOptions).data;

/** Redis is not answering what the console asks: data on screen is the last read (docs/connection.md). */
export function isAway(state: ConnectionInfo['state']): boolean {
  return state !== 'ready';
}

/** True while what the console shows may be out of date because Redis is away or not answering. */
export const useConnectionStale = () => isAway(useConnection().state);

/** Why writes wait while Redis is not there to take them, per connection state. */
const AWAY_REASON: Partial<Record<ConnectionInfo['state'], string>> = {
  connecting: 'Connecting to Redis: writes are enabled once it answers.',
  not_answering:
    'Redis is not answering, so writes are disabled: one sent now might be applied later, or not at all.',
  reconnecting: 'The connection to Redis was lost, so writes are disabled until it is back.',
  down: 'Redis is unreachable, so writes are disabled until it is back.',
};

/** The desktop app unlocks writes per profile; the web host has to be restarted without read-only. */
export const READ_ONLY_REASON = hasProfiles
  ? 'This connection is read-only, so writes are disabled. Use "Unlock writes" next to the connection to change anything.'
  : 'This connection is read-only, so writes are disabled. Reconnect without read-only to change anything.';

/**
 * Why write controls are disabled right now, or null when writes are allowed: a read-only
 * connection, or Redis down, reconnecting or not answering (docs/connection.md).
 */
export function useWriteBlockReason(): string | null {
  const connection = useConnection();
  if (connection.read_only) return READ_ONLY_REASON;
  return AWAY_REASON[connection.state] ?? null;
}
