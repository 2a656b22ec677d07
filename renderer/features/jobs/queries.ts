import {
  infiniteQueryOptions,
  queryOptions,
  type QueryClient,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { api, subscribe } from '../../api/client';
import { useLiveRefetch } from '../../app/live-refresh';
import { currentJobFilters, type JobFilters } from './jobs-ui-store';
import { listInput } from './list-input';

/** Rows per listJobs call: four screens of rows, each costing two hash reads in Redis. */
export const PAGE_SIZE = 100;
/**
 * Live refresh re-reads every loaded page, so it only runs while the first page alone is loaded
 * (the newest jobs, where changes show up); scrolled further, the user refreshes by scrolling back.
 */
export const LIVE_PAGES = 1;

export const jobKeys = {
  all: ['jobs'] as const,
  lists: () => [...jobKeys.all, 'list'] as const,
  list: (workspace: string, filters: JobFilters) =>
    [...jobKeys.lists(), workspace, filters] as const,
  details: () => [...jobKeys.all, 'detail'] as const,
  detail: (workspace: string, jobId: string) => [...jobKeys.details(), workspace, jobId] as const,
};

export const jobListOptions = (workspace: string, filters: JobFilters) =>
  infiniteQueryOptions({
    queryKey: jobKeys.list(workspace, filters),
    queryFn: ({ pageParam }) =>
      api.listJobs({
        ...listInput(workspace, filters),
        limit: PAGE_SIZE,
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });

export const jobDetailOptions = (workspace: string, jobId: string) =>
  queryOptions({
    queryKey: jobKeys.detail(workspace, jobId),
    queryFn: () => api.inspectJob({ job_id: jobId, workspace_id: workspace }),
  });

export function useJobList(workspace: string, filters: JobFilters) {
  const live = useLiveRefetch();
  return useInfiniteQuery({
    ...jobListOptions(workspace, filters),
    ...live,
    refetchInterval: (query) =>
      (query.state.data?.pages.length ?? 0) <= LIVE_PAGES ? live.refetchInterval : false,
    placeholderData: (previous, previousQuery) =>
      previousQuery?.queryKey[2] === workspace ? previous : undefined,
  });
}

/**
 * Back at the top of the table, the pages loaded further down are dropped so live refresh (which
 * re-reads every loaded page) resumes at the cost of one page.
 */
export function useTrimToFirstPage(workspace: string, filters: JobFilters): () => void {
  const queryClient = useQueryClient();
  return useCallback(() => {
    queryClient.setQueryData(jobListOptions(workspace, filters).queryKey, (data) =>
      data && data.pages.length > 1
        ? { pages: data.pages.slice(0, 1), pageParams: data.pageParams.slice(0, 1) }
        : data,
    );
  }, [queryClient, workspace, filters]);
}

/**
 * Starts reading a workspace's first page under the current filters, unless it is in the cache
 * already: an infinite list already loaded would refetch every page it holds. Queries mounted
 * later join the request in flight.
 */
export function prefetchJobList(queryClient: QueryClient, workspace: string): void {
  const options = jobListOptions(workspace, currentJobFilters());
  if (queryClient.getQueryData(options.queryKey) === undefined)
    void queryClient.prefetchInfiniteQuery(options);
}

/** How long the pointer rests on a workspace before its first page is read ahead of a click. */
const HOVER_INTENT_MS = 80;

/**
 * Pointer handlers for a workspace's entry that read its first page ahead of the click: once the
 * pointer has rested on it for a moment (passing over the list reads nothing), and at the latest
 * when it goes down, so the read overlaps the click.
 */
export function usePrefetchJobListHandlers(workspace: string) {
  const queryClient = useQueryClient();
  const hover = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(hover.current), []);
  return useMemo(() => {
    const prefetch = () => {
      clearTimeout(hover.current);
      prefetchJobList(queryClient, workspace);
    };
    return {
      onPointerEnter: () => {
        clearTimeout(hover.current);
        hover.current = setTimeout(prefetch, HOVER_INTENT_MS);
      },
      onPointerLeave: () => clearTimeout(hover.current),
      onPointerDown: prefetch,
    };
  }, [queryClient, workspace]);
}

/**
 * While a pending or running job's drawer is open, it is read this often: a worker moves it on by
 * itself (one inspectJob, 4 Redis commands, so 2 a second at most; docs/triage.md).
 */
export const FOLLOW_MS = 2_000;

const isMoving = (status: string | undefined) => status === 'pending' || status === 'running';

/**
 * The open job, following it live: every FOLLOW_MS while it may still move, at the live interval
 * once it has finished, and at once after a write through this host to its workspace.
 */
export function useJobDetail(workspace: string, jobId: string) {
  const live = useLiveRefetch();
  const queryClient = useQueryClient();
  useEffect(
    () =>
      subscribe((event) => {
        if (event.name !== 'jobs') return;
        const changed = (event.payload as { workspace_id?: string }).workspace_id;
        if (changed === undefined || changed === workspace)
          void queryClient.invalidateQueries({ queryKey: jobKeys.detail(workspace, jobId) });
      }),
    [queryClient, workspace, jobId],
  );
  return useQuery({
    ...jobDetailOptions(workspace, jobId),
    ...live,
    refetchInterval: (query) => {
      const data = query.state.data;
      const moving = isMoving(data?.old?.status) || isMoving(data?.new?.status);
      return moving && live.refetchInterval !== false ? FOLLOW_MS : live.refetchInterval;
    },
  });
}

/** Every failed job id of a workspace, read fresh each time the bulk retry dialog opens. */
export const failedJobIdsOptions = (workspace: string) =>
  queryOptions({
    queryKey: [...jobKeys.all, 'failed-ids', workspace] as const,
    queryFn: () => fetchFailedJobIds(workspace),
    staleTime: 0,
    gcTime: 0,
  });

/** Every failed job id of a workspace, page by page, for "Retry all failed". */
export async function fetchFailedJobIds(workspace: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await api.listJobs({
      workspace_id: workspace,
      status: 'failed',
      limit: 1000,
      ...(cursor ? { cursor } : {}),
    });
    for (const row of page.rows) {
      if (row.old_status === 'failed' || row.new_status === 'failed') ids.push(row.job_id);
    }
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}
