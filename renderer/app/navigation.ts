import { create } from 'zustand';
import { placeFromHash, hashOf, type Place, type ViewId } from './place';

export { VIEWS, type ViewId } from './place';

interface NavigationState extends Place {
  actions: {
    viewChosen(view: ViewId): void;
    workspaceSelected(workspace: string): void;
    hashChanged(hash: string): void;
  };
}

const useNavigationStore = create<NavigationState>()((set) => ({
  ...placeFromHash(window.location.hash),
  actions: {
    viewChosen: (view) => set({ view }),
    workspaceSelected: (workspace) => set({ workspace, view: 'jobs' }),
    hashChanged: (hash) => set(placeFromHash(hash)),
  },
}));

useNavigationStore.subscribe(({ view, workspace }) => {
  const hash = hashOf({ view, workspace });
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
});
window.addEventListener('hashchange', () =>
  useNavigationStore.getState().actions.hashChanged(window.location.hash),
);

export const useView = () => useNavigationStore((s) => s.view);
export const useSelectedWorkspace = () => useNavigationStore((s) => s.workspace);
export const useNavigationActions = () => useNavigationStore((s) => s.actions);
