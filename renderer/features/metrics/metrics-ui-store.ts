import { create } from 'zustand';
import type { MetricWindow } from '../../../shared/contract';
import { linkChanged } from '../../app/navigation';
import { linkFromHash, registerLinkPart, type Link } from '../../app/place';

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

/** A metrics window from a link (docs/triage.md "Links": `#/metrics?window=6h&workspace=acme`). */
function stateOfLink(link: Link): { window: MetricWindow; workspace: string } {
  const window = RANGES.find((r) => r.window === link.params.get('window'))?.window ?? '1h';
  return { window, workspace: link.params.get('workspace') ?? '' };
}

const opened = linkFromHash(globalThis.location?.hash ?? '');

const useMetricsUiStore = create<MetricsUiState>()((set) => ({
  window: '1h',
  workspace: '',
  ...(opened.view === 'metrics' ? stateOfLink(opened) : {}),
  actions: {
    rangeChosen: (window) => set({ window }),
    workspaceChosen: (workspace) => set({ workspace }),
  },
}));

export const useMetricsRange = () => useMetricsUiStore((s) => s.window);
export const useMetricsWorkspace = () => useMetricsUiStore((s) => s.workspace);
export const useMetricsActions = () => useMetricsUiStore((s) => s.actions);

registerLinkPart({
  view: 'metrics',
  write: () => {
    const { window, workspace } = useMetricsUiStore.getState();
    return { params: { window, workspace } };
  },
  read: (link) => useMetricsUiStore.setState(stateOfLink(link)),
});
useMetricsUiStore.subscribe(linkChanged);
