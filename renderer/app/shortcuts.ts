import { create } from 'zustand';

/** One keyboard shortcut as the "?" help lists it. */
export interface Shortcut {
  keys: string[];
  what: string;
  /** Where it works; anywhere when absent. */
  where?: string;
}

/** Every keyboard shortcut of the console (docs/console.md "Keyboard"): add a line with a new one. */
export const SHORTCUTS: Shortcut[] = [
  { keys: ['?'], what: 'Show these keyboard shortcuts' },
  { keys: ['Esc'], what: 'Close the dialog, the drawer or the search results; leave a text field' },
  { keys: ['Tab', 'Shift+Tab'], what: 'Move between controls; the open drawer keeps the focus' },
  { keys: ['/'], what: 'Search the jobs of the workspace by id', where: 'Jobs' },
  { keys: ['j', 'k'], what: 'Next / previous job in the table', where: 'Jobs' },
  { keys: ['Enter'], what: 'Open the active job in the drawer', where: 'Jobs' },
  { keys: ['Enter'], what: 'Find the id typed, in every workspace', where: 'Find job' },
  { keys: ['↓'], what: 'From the search box to its results', where: 'Find job' },
];

interface ShortcutsState {
  open: boolean;
  actions: { helpOpened(): void; helpClosed(): void };
}

const useShortcutsStore = create<ShortcutsState>()((set) => ({
  open: false,
  actions: {
    helpOpened: () => set({ open: true }),
    helpClosed: () => set({ open: false }),
  },
}));

export const useShortcutsHelpOpen = () => useShortcutsStore((s) => s.open);
export const useShortcutsActions = () => useShortcutsStore((s) => s.actions);
