import { hasProfiles } from '../api/client';
import { ProfileSwitcher, WritesLock } from '../features/connections';
import type { ConnectionState } from '../../shared/contract';
import { useConnection, useConnectionLatency } from './connection';
import { useTopologySummary } from './topology';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting',
  ready: 'Connected',
  not_answering: 'Not answering',
  reconnecting: 'Reconnecting',
  down: 'Disconnected',
};

/** The health probe's round trip, beside the state but outside its live region (it changes every probe). */
function Latency() {
  const latency = useConnectionLatency();
  if (latency === null) return null;
  return (
    <span
      className="badge-latency"
      title="Round trip of the host's health probe to Redis (one read every 2 s)"
    >
      {latency < 1000 ? `${latency} ms` : `${(latency / 1000).toFixed(1)} s`}
    </span>
  );
}

/**
 * The connection switcher with its state badge. In the desktop app it lists the saved profiles and
 * holds the write lock; the web host serves one connection, so there it lists just that one.
 */
export function ConnectionBadge() {
  const connection = useConnection();
  // Connected: what stands behind the address (docs/topologies.md); else why it is not.
  const topology = useTopologySummary();
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
        title={connection.detail ?? topology ?? undefined}
      >
        <span role="status" aria-label={`Connection state: ${STATE_TEXT[connection.state]}`}>
          {STATE_TEXT[connection.state]}
        </span>
        {connection.state === 'ready' && <Latency />}
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
