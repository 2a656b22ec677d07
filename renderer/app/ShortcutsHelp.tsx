import { Dialog } from '../ui/Dialog';
import { isModalOpen, isTypingTarget, useGlobalKeydown } from './keyboard';
import { SHORTCUTS, useShortcutsActions, useShortcutsHelpOpen } from './shortcuts';

/** `?` anywhere (but in a text field or a dialog) lists the keyboard shortcuts. */
export function ShortcutsHelp() {
  const open = useShortcutsHelpOpen();
  const { helpOpened, helpClosed } = useShortcutsActions();
  useGlobalKeydown((event) => {
    if (event.key !== '?' || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target) || isModalOpen()) return;
    event.preventDefault();
    helpOpened();
  });
  return (
    <Dialog open={open} title="Keyboard shortcuts" onClose={helpClosed}>
      <table className="data-table shortcuts" aria-label="Keyboard shortcuts">
        <thead>
          <tr>
            <th scope="col">Keys</th>
            <th scope="col">What they do</th>
            <th scope="col">Where</th>
          </tr>
        </thead>
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={`${s.keys.join('+')}-${s.where ?? ''}`}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
              <td className="muted">{s.where ?? 'anywhere'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-footer">
        <button type="button" className="btn btn-primary" onClick={helpClosed}>
          Close
        </button>
      </div>
    </Dialog>
  );
}

/** The top bar's way to the same list, for whoever does not know about `?`. */
export function ShortcutsButton() {
  const { helpOpened } = useShortcutsActions();
  return (
    <button
      type="button"
      className="btn btn-ghost btn-small shortcuts-button"
      aria-label="Keyboard shortcuts"
      title="Keyboard shortcuts (?)"
      onClick={helpOpened}
    >
      ?
    </button>
  );
}
