import { create } from 'zustand';

export type OutcomeFilter = 'all' | 'ok' | 'failed';
export const PAGE = 200;

interface AuditUiState {
  filter: string;
  outcome: OutcomeFilter;
  limit: number;
  actions: {
    filterTyped(filter: string): void;
    outcomeChosen(outcome: OutcomeFilter): void;
    moreRequested(): void;
  };
}

const useAuditUiStore = create<AuditUiState>()((set) => ({
  filter: '',
  outcome: 'all',
  limit: PAGE,
  actions: {
    filterTyped: (filter) => set({ filter, limit: PAGE }),
    outcomeChosen: (outcome) => set({ outcome }),
    moreRequested: () => set((s) => ({ limit: Math.min(s.limit + 5 * PAGE, 10_000) })),
  },
}));

export const useAuditFilter = () => useAuditUiStore((s) => s.filter);
export const useAuditOutcome = () => useAuditUiStore((s) => s.outcome);
export const useAuditLimit = () => useAuditUiStore((s) => s.limit);
export const useAuditActions = () => useAuditUiStore((s) => s.actions);
