import { prefetchJobList } from '../features/jobs/queries';
import { overviewQueryOptions } from '../features/overview/queries';
import { workspacesQueryOptions } from '../features/workspaces/queries';
import { placeFromHash } from './place';
import { createQueryClient } from './query-client';

/**
 * The console's one query client. main.tsx imports this module before React's renderer, so the
 * first screen's read below starts while react-dom is still being evaluated (on a cold start that
 * is a few hundred milliseconds before React would mount and subscribe); the mounted queries then
 * join the request in flight.
 */
export const queryClient = createQueryClient();

/**
 * A workspace's link reads its jobs first (its counts wait for them, as after a click); otherwise
 * the "Workspaces" navigation is what the page shows first.
 */
function startEarlyReads(hash: string): void {
  const place = placeFromHash(hash);
  if (place.view === 'jobs' && place.workspace) prefetchJobList(queryClient, place.workspace);
  else void queryClient.prefetchQuery(workspacesQueryOptions());
  // The start page's own read goes out beside it, before its code has loaded.
  if (place.view === 'overview') void queryClient.prefetchQuery(overviewQueryOptions());
}

startEarlyReads(window.location.hash);
