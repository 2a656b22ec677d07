import { create } from 'zustand';
import type { MetricWindow } from '../../../shared/contract';

export const RANGES: Array<{ window: MetricWindow; label: string }> = [
  { window: '15m', label: '15 m' },
  { window: '1h', label: '1 h' },
  { window: '6h', label: '6 h' },
  { window: '24h', label: '24 h' },
  { window: '7d', label: '7 d' },
];

interface MetricsUiState {
  window: MetricWindow;
  /** '' means every workspace. */
  workspace: string;
  actions: { rangeChosen(window: MetricWindow): void; workspaceChosen(workspace: string): void };
}

const useMetricsUiStore = create<MetricsUiState>()((set) => ({
  window: '1h',
  workspace: '',
  actions: {
    rangeChosen: (window) => set({ window }),
    workspaceChosen: (workspace) => set({ workspace }),
  },
}));

export const useMetricsRange = () => useMetricsUiStore((s) => s.window);
export const useMetricsWorkspace = () => useMetricsUiStore((s) => s.workspace);
export const useMetricsActions = () => useMetricsUiStore((s) => s.actions);
