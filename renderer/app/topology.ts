import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import { useConnection } from './connection';

export const topologyKeys = {
  all: ['topology'] as const,
  /** Asked again for every connection (a profile switch, a reconnect after a failover). */
  of: (label: string, since: number) => [...topologyKeys.all, label, since] as const,
};

export const topologyQueryOptions = (label: string, since: number) =>
  queryOptions({
    queryKey: topologyKeys.of(label, since),
    queryFn: () => api.connectionInfo({}),
    staleTime: 60_000,
  });

/**
 * What the connection stands for (docs/topologies.md): standalone, Sentinel master and current
 * primary, or a cluster's masters, as one line for the connection badge; null until known.
 */
export function useTopologySummary(): string | null {
  const connection = useConnection();
  const ready = connection.state === 'ready';
  const { data } = useQuery({
    ...topologyQueryOptions(connection.label, connection.since),
    enabled: ready,
  });
  return ready && data ? data.summary : null;
}
