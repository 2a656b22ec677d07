import { useEffect, useState } from 'react';
import { READ_ONLY_REASON, useConnection } from './connection';

function useSecondsSince(since: number, active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return Math.max(0, Math.round((now - since) / 1_000));
}

/**
 * When Redis is away: what the host is doing about it, and that what is on screen is the last data
 * read (kept, marked stale, refreshed by itself once Redis answers again).
 */
export function ConnectionBanner() {
  const connection = useConnection();
  const away = connection.state === 'reconnecting' || connection.state === 'down';
  const stalled = connection.state === 'not_answering';
  const seconds = useSecondsSince(connection.since, away || stalled);
  if (stalled) {
    // Counted from when the probe gave up waiting (3 s after Redis stopped answering).
    return (
      <div className="banner" role="alert">
        <span className="spinner" aria-hidden="true" />
        <span>
          Redis is not answering ({seconds + 3} s): it may be paused, overloaded or behind a stalled
          network. Writes are disabled until it answers; showing the last data read, marked stale.
        </span>
      </div>
    );
  }
  if (away) {
    return (
      <div className="banner" role="alert">
        <span className="spinner" aria-hidden="true" />
        <span>
          {connection.state === 'reconnecting'
            ? `Redis connection lost: reconnecting (${seconds} s).`
            : `Redis is unreachable (${seconds} s).`}{' '}
          {connection.detail ? `${connection.detail}. ` : ''}
          Showing the last data read, marked stale; it refreshes by itself once Redis is back.
        </span>
      </div>
    );
  }
  if (connection.read_only) {
    return (
      <div className="banner banner-readonly" role="note">
        {READ_ONLY_REASON}
      </div>
    );
  }
  return null;
}
