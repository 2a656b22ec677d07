import { hasProfiles } from '../api/client';
import { ProfileSwitcher, WritesLock } from '../features/connections';
import { useConnection } from './connection';

const STATE_TEXT = {
  connecting: 'Connecting',
  ready: 'Connected',
  reconnecting: 'Reconnecting',
  down: 'Disconnected',
} as const;

/**
 * The connection switcher with its state badge. In the desktop app it lists the saved profiles and
 * holds the write lock; the web host serves one connection, so there it lists just that one.
 */
export function ConnectionBadge() {
  const connection = useConnection();
  return (
    <div className="conn">
      {hasProfiles ? (
        <ProfileSwitcher />
      ) : (
        <label className="control">
          <span className="visually-hidden">Connection</span>
          <select aria-label="Connection" value={connection.label} onChange={() => undefined}>
            <option value={connection.label}>{connection.label}</option>
          </select>
        </label>
      )}
      <span
        className={`badge badge-${connection.state}`}
        role="status"
        aria-label={`Connection state: ${STATE_TEXT[connection.state]}`}
        title={connection.detail}
      >
        {STATE_TEXT[connection.state]}
      </span>
      {connection.read_only && (
        <span className="badge badge-readonly" title="Writes are disabled for this connection">
          Read-only
        </span>
      )}
      {hasProfiles && <WritesLock />}
    </div>
  );
}
