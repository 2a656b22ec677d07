/** A moment as the contract carries it: ISO-8601 text, or epoch milliseconds (e.g. a query's read time). */
export type Moment = string | number;

function toDate(at: Moment): Date | null {
  const date = new Date(at);
  return Number.isNaN(date.getTime()) ? null : date;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The console's one date format (docs/console.md): local time as `2026-03-10 14:05:09`, the same in
 * tables, the drawer, the audit and the reports; sortable, unambiguous in every locale, and as long
 * whatever the day. Text that is not a time is shown as it is.
 */
export function formatTime(at: Moment): string {
  const date = toDate(at);
  if (!date) return String(at);
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/** The moment in UTC with milliseconds, for comparing with logs and Redis. */
export function utcTitle(at: Moment): string {
  const date = toDate(at);
  return date ? `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC` : String(at);
}

const UNITS: Array<[limitS: number, unitS: number, name: string]> = [
  [60, 1, 's'],
  [3600, 60, 'min'],
  [86_400, 3600, 'h'],
  [Infinity, 86_400, 'd'],
];

/** How long ago (or how far ahead): `just now`, `42 s ago`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function relativeTime(at: Moment, now = Date.now()): string {
  const date = toDate(at);
  if (!date) return String(at);
  const seconds = Math.round((now - date.getTime()) / 1000);
  const size = Math.abs(seconds);
  if (size < 2) return 'just now';
  const [, unit, name] = UNITS.find(([limit]) => size < limit)!;
  const count = Math.floor(size / unit);
  return seconds > 0 ? `${count} ${name} ago` : `in ${count} ${name}`;
}

/** The hover text: the relative time, then UTC. */
export function timeTitle(at: Moment, now = Date.now()): string {
  return toDate(at) ? `${relativeTime(at, now)} · ${utcTitle(at)}` : String(at);
}

/**
 * A moment in the one format; hovering shows how long ago it was (worked out at the moment of the
 * hover, so a screen left open does not show a stale "2 s ago") and its UTC form.
 */
export function Time({ iso, empty = '—' }: { iso: Moment | null | undefined; empty?: string }) {
  if (iso === null || iso === undefined || iso === '')
    return <span className="muted">{empty}</span>;
  const date = toDate(iso);
  return (
    <time
      dateTime={date ? date.toISOString() : String(iso)}
      title={timeTitle(iso)}
      onMouseEnter={(event) => (event.currentTarget.title = timeTitle(iso))}
    >
      {formatTime(iso)}
    </time>
  );
}
