import { create } from 'zustand';

export const VIEWS = [
  { id: 'jobs', label: 'Jobs' },
  { id: 'enqueue', label: 'Enqueue job' },
  { id: 'migration', label: 'Migration' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'audit', label: 'Audit' },
  { id: 'divergence', label: 'Divergence' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

interface NavigationState {
  view: ViewId;
  workspace: string | null;
  actions: {
    viewChosen(view: ViewId): void;
    workspaceSelected(workspace: string): void;
  };
}

const useNavigationStore = create<NavigationState>()((set) => ({
  view: 'jobs',
  workspace: null,
  actions: {
    viewChosen: (view) => set({ view }),
    workspaceSelected: (workspace) => set({ workspace, view: 'jobs' }),
  },
}));

export const useView = () => useNavigationStore((s) => s.view);
export const useSelectedWorkspace = () => useNavigationStore((s) => s.workspace);
export const useNavigationActions = () => useNavigationStore((s) => s.actions);
