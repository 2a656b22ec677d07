import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';

export const divergenceKeys = {
  all: ['divergence'] as const,
  reports: () => [...divergenceKeys.all, 'reports'] as const,
  report: (id: string) => [...divergenceKeys.all, 'report', id] as const,
  job: (jobId: string, workspaceId: string) =>
    [...divergenceKeys.all, 'job', workspaceId, jobId] as const,
};

export const reportsQueryOptions = () =>
  queryOptions({
    queryKey: divergenceKeys.reports(),
    queryFn: () => api.divergenceReports({ limit: 50 }),
  });

export const reportQueryOptions = (id: string) =>
  queryOptions({
    queryKey: divergenceKeys.report(id),
    queryFn: () => api.divergenceReport({ id }),
  });

/** Kept reports, newest first (the trend and the latest result). */
export const useReports = () => useQuery(reportsQueryOptions());

/** One report with its items. */
export const useReport = (id: string | null) =>
  useQuery({ ...reportQueryOptions(id ?? ''), enabled: id !== null });

/** Both copies of a job and the fields that differ (the diff shown under a result row). */
export const useJobDiff = (jobId: string, workspaceId: string | null) =>
  useQuery({
    queryKey: divergenceKeys.job(jobId, workspaceId ?? ''),
    queryFn: () => api.inspectJob({ job_id: jobId, workspace_id: workspaceId ?? '' }),
    enabled: workspaceId !== null,
  });
