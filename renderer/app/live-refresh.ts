import { create } from 'zustand';
import { persist } from 'zustand/middleware';

export const REFRESH_CHOICES = [
  { label: 'Off', ms: 0 },
  { label: '2 s', ms: 2_000 },
  { label: '5 s', ms: 5_000 },
  { label: '15 s', ms: 15_000 },
] as const;

interface LiveRefreshState {
  intervalMs: number;
  actions: { intervalChosen(ms: number): void };
}

const useLiveRefreshStore = create<LiveRefreshState>()(
  persist(
    (set) => ({
      // 15 s by default keeps an idle console's Redis traffic low; 2 s is there for watching closely.
      intervalMs: 15_000,
      actions: { intervalChosen: (intervalMs) => set({ intervalMs }) },
    }),
    { name: 'queuescope-live-refresh', partialize: (s) => ({ intervalMs: s.intervalMs }) },
  ),
);

export const useRefreshIntervalMs = () => useLiveRefreshStore((s) => s.intervalMs);
export const useLiveRefreshActions = () => useLiveRefreshStore((s) => s.actions);

/**
 * The refetch settings every live query spreads in: the user's interval, and nothing while the
 * window is hidden (React Query skips interval refetches for background tabs with this flag off).
 */
export function useLiveRefetch(): {
  refetchInterval: number | false;
  refetchIntervalInBackground: false;
} {
  const ms = useRefreshIntervalMs();
  return { refetchInterval: ms > 0 ? ms : false, refetchIntervalInBackground: false };
}
