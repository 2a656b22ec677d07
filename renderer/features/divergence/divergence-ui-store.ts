import { create } from 'zustand';
import type { DivergenceCategory } from '../../../shared/contract';

interface DivergenceUiState {
  /** The report shown (null: the newest kept one). */
  reportId: string | null;
  category: DivergenceCategory | 'all';
  /** The result row whose diff is open, "{category}:{job_id}". */
  openRow: string | null;
  actions: {
    reportChosen(id: string | null): void;
    categoryChosen(category: DivergenceCategory | 'all'): void;
    rowToggled(row: string): void;
  };
}

const useStore = create<DivergenceUiState>()((set) => ({
  reportId: null,
  category: 'all',
  openRow: null,
  actions: {
    reportChosen: (reportId) => set({ reportId, openRow: null }),
    categoryChosen: (category) => set({ category, openRow: null }),
    rowToggled: (row) => set((s) => ({ openRow: s.openRow === row ? null : row })),
  },
}));

export const useChosenReportId = () => useStore((s) => s.reportId);
export const useCategory = () => useStore((s) => s.category);
export const useOpenRow = () => useStore((s) => s.openRow);
export const useDivergenceActions = () => useStore((s) => s.actions);
