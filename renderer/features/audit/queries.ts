import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';

export const auditKeys = {
  all: ['audit'] as const,
  lists: () => [...auditKeys.all, 'list'] as const,
  list: (filters: { contains: string; limit: number }) => [...auditKeys.lists(), filters] as const,
};

/** The newest operator actions; `contains` filters on the host so a rare match still fills the page. */
export const auditQueryOptions = (contains: string, limit: number) =>
  queryOptions({
    queryKey: auditKeys.list({ contains, limit }),
    queryFn: () => api.audit({ limit, ...(contains ? { contains } : {}) }),
  });

export function useAudit(contains: string, limit: number) {
  return useQuery({
    ...auditQueryOptions(contains, limit),
    ...useLiveRefetch(),
    placeholderData: keepPreviousData,
  });
}
