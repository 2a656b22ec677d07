import { create } from 'zustand';
import type { DivergenceCategory } from '../../../shared/contract';

interface DivergenceUiState {
  /** The report shown (null: the newest kept one). */
  reportId: string | null;
  category: DivergenceCategory | 'all';
  /** The result row whose diff is open, "{category}:{job_id}". */
  openRow: string | null;
  /** The workspace the next check covers ('' = all). */
  scope: string;
  actions: {
    reportChosen(id: string | null): void;
    categoryChosen(category: DivergenceCategory | 'all'): void;
    rowToggled(row: string): void;
    scopeChosen(workspace: string): void;
  };
}

const useStore = create<DivergenceUiState>()((set) => ({
  reportId: null,
  category: 'all',
  openRow: null,
  scope: '',
  actions: {
    reportChosen: (reportId) => set({ reportId, openRow: null }),
    categoryChosen: (category) => set({ category, openRow: null }),
    rowToggled: (row) => set((s) => ({ openRow: s.openRow === row ? null : row })),
    scopeChosen: (scope) => set({ scope }),
  },
}));

export const useChosenReportId = () => useStore((s) => s.reportId);
export const useCategory = () => useStore((s) => s.category);
export const useOpenRow = () => useStore((s) => s.openRow);
export const useCheckScope = () => useStore((s) => s.scope);
export const useDivergenceActions = () => useStore((s) => s.actions);
