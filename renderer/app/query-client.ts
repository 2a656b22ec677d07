import { QueryClient } from '@tanstack/react-query';

/**
 * One client for the console. The host is on loopback, so the browser's online flag means nothing
 * here (networkMode 'always'); a failed query keeps its last data, which the UI marks as stale.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        networkMode: 'always',
        staleTime: 1_000,
        retry: 1,
        retryDelay: 500,
        refetchOnWindowFocus: true,
      },
      mutations: { networkMode: 'always', retry: false },
    },
  });
}
