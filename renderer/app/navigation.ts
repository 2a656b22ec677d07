import { create } from 'zustand';
import { applyLink, placeFromHash, hashOf, type Place, type ViewId } from './place';

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
  const hash = hashOf({ view, workspace }, window.location.hash);
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
});
window.addEventListener('hashchange', () => {
  // The screens take their part first: the navigation then writes the whole link back as opened.
  const hash = window.location.hash;
  applyLink(hash);
  useNavigationStore.getState().actions.hashChanged(hash);
});

/** A screen's own part of the link changed (an open job, a filter): the address follows. */
export function linkChanged(): void {
  const { view, workspace } = useNavigationStore.getState();
  const hash = hashOf({ view, workspace }, window.location.hash);
  if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
}

export const useView = () => useNavigationStore((s) => s.view);
export const useSelectedWorkspace = () => useNavigationStore((s) => s.workspace);
export const useNavigationActions = () => useNavigationStore((s) => s.actions);
