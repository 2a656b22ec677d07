import { jobListOptions } from '../features/jobs/queries';
import { currentJobFilters } from '../features/jobs/jobs-ui-store';
import { workspacesQueryOptions } from '../features/workspaces/queries';
import { placeFromHash } from './place';
import { createQueryClient } from './query-client';

/** The console's one query client, made when the bundle loads rather than when React mounts. */
export const queryClient = createQueryClient();

/**
 * The first screen's read starts as soon as the bundle runs: before React renders and its effects
 * subscribe, which on a cold start comes a few hundred milliseconds later. The mounted queries then
 * join the request in flight. A workspace's link reads its jobs first (its counts wait for them, as
 * on a click); otherwise the "Workspaces" navigation is what the page shows first.
 */
export function startEarlyReads(hash = window.location.hash): void {
  const place = placeFromHash(hash);
  if (place.view === 'jobs' && place.workspace)
    void queryClient.prefetchInfiniteQuery(jobListOptions(place.workspace, currentJobFilters()));
  else void queryClient.prefetchQuery(workspacesQueryOptions());
}
