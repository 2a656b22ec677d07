import { useSyncExternalStore } from 'react';
import { create } from 'zustand';
import { persist } from 'zustand/middleware';

/** docs/console.md "Theme": follow the OS, or always light, or always dark. */
export type ThemeChoice = 'system' | 'light' | 'dark';
export const THEME_CHOICES: Array<{ value: ThemeChoice; label: string }> = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

interface ThemeState {
  choice: ThemeChoice;
  actions: { themeChosen(choice: ThemeChoice): void };
}

const useThemeStore = create<ThemeState>()(
  persist(
    (set) => ({
      choice: 'system',
      actions: { themeChosen: (choice) => set({ choice }) },
    }),
    { name: 'queuescope-theme', partialize: (s) => ({ choice: s.choice }) },
  ),
);

/** theme.css picks light or dark by `color-scheme`; an explicit choice pins it on <html>. */
function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') delete root.dataset.theme;
  else root.dataset.theme = choice;
}
// Before the first render, so a pinned theme never flashes the OS's one first.
apply(useThemeStore.getState().choice);
useThemeStore.subscribe((state) => apply(state.choice));

export const useThemeChoice = () => useThemeStore((s) => s.choice);
export const useThemeActions = () => useThemeStore((s) => s.actions);

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

/** The theme in effect, light or dark, following the OS while the choice is "system". */
export function useResolvedTheme(): 'light' | 'dark' {
  const choice = useThemeChoice();
  const osDark = useSyncExternalStore(
    (onChange) => {
      const query = darkQuery();
      query.addEventListener('change', onChange);
      return () => query.removeEventListener('change', onChange);
    },
    () => darkQuery().matches,
  );
  return choice === 'system' ? (osDark ? 'dark' : 'light') : choice;
}
