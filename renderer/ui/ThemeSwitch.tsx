import { THEME_CHOICES, useThemeActions, useThemeChoice, type ThemeChoice } from './theme';

/** The theme switch of the top bar: System (follows the OS), Light or Dark; kept in this browser. */
export function ThemeSwitch() {
  const choice = useThemeChoice();
  const { themeChosen } = useThemeActions();
  return (
    <label className="control" title="Theme: System follows the OS">
      <span className="visually-hidden">Theme</span>
      <select
        aria-label="Theme"
        value={choice}
        onChange={(e) => themeChosen(e.target.value as ThemeChoice)}
      >
        {THEME_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
