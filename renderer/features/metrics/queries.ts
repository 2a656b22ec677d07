import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import type { MetricWindow } from '../../../shared/contract';
import { api } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';

export const metricsKeys = {
  all: ['metrics'] as const,
  reports: () => [...metricsKeys.all, 'report'] as const,
  report: (window: MetricWindow, workspace: string) =>
    [...metricsKeys.reports(), { window, workspace }] as const,
};

export const metricsQueryOptions = (window: MetricWindow, workspace: string) =>
  queryOptions({
    queryKey: metricsKeys.report(window, workspace),
    queryFn: () => api.metrics({ window, ...(workspace ? { workspace_id: workspace } : {}) }),
  });

/** Keeps the previous range's figures on screen while another range loads. */
export function useMetrics(window: MetricWindow, workspace: string) {
  return useQuery({
    ...metricsQueryOptions(window, workspace),
    ...useLiveRefetch(),
    placeholderData: keepPreviousData,
  });
}
