import { FindJob } from '../features/find';
import { ThemeSwitch } from '../ui/ThemeSwitch';
import { ConnectionBadge } from './ConnectionBadge';
import { REFRESH_CHOICES, useLiveRefreshActions, useRefreshIntervalMs } from './live-refresh';
import { useNavigationActions, useView, VIEWS } from './navigation';
import { declaresOperator, useOperatorActions, useOperatorName } from './operator';
import { ShortcutsButton } from './ShortcutsHelp';

export function TopBar() {
  const view = useView();
  const { viewChosen } = useNavigationActions();
  const intervalMs = useRefreshIntervalMs();
  const { intervalChosen } = useLiveRefreshActions();
  const operator = useOperatorName();
  const { operatorRenamed } = useOperatorActions();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        Queuescope
      </div>
      <nav className="views" aria-label="Screens">
        {VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            className="view-tab"
            aria-current={view === v.id ? 'page' : undefined}
            onClick={() => viewChosen(v.id)}
          >
            {v.label}
          </button>
        ))}
      </nav>
      <FindJob />
      <div className="topbar-controls">
        <label className="control" title="Live updates pause while the window is hidden">
          Live
          <select
            aria-label="Live refresh"
            value={intervalMs}
            onChange={(e) => intervalChosen(Number(e.target.value))}
          >
            {REFRESH_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <label
          className="control"
          title={
            declaresOperator()
              ? 'Recorded in the audit log for the writes you make, beside the host’s OS user'
              : 'Written as retried_by on the jobs you retry; the audit log records your OS user'
          }
        >
          Operator
          <input
            aria-label="Operator"
            value={operator}
            onChange={(e) => operatorRenamed(e.target.value)}
          />
        </label>
        <ThemeSwitch />
        <ShortcutsButton />
        <ConnectionBadge />
      </div>
    </header>
  );
}
