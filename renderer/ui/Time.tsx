const localFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Local time for reading, its UTC form on hover (title) for comparing with logs and Redis. */
export function formatLocal(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : localFormat.format(date);
}

export function utcTitle(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? iso
    : `${date.toISOString().replace('T', ' ').replace('Z', '')} UTC`;
}

const timeOnly = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const dayAndTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

/** Short local form for dense tables: the time alone today, else the day and minute. */
export function formatCompact(iso: string, now = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toDateString() === now.toDateString()
    ? timeOnly.format(date)
    : dayAndTime.format(date);
}

export function Time({
  iso,
  empty = '—',
  compact = false,
}: {
  iso: string | null | undefined;
  empty?: string;
  compact?: boolean;
}) {
  if (!iso) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={iso} title={utcTitle(iso)}>
      {compact ? formatCompact(iso) : formatLocal(iso)}
    </time>
  );
}
