import { useMemo, useState } from 'react';

/** Above this many characters the JSON starts collapsed. */
const COLLAPSE_AT = 1_500;
/** Characters rendered before "Show all": keeps a 1 MB result from freezing layout. */
const PREVIEW_CHARS = 20_000;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * Pretty-printed JSON that stays cheap when large: collapsed behind its size, pretty-printed only
 * when opened, and rendered truncated until the user asks for all of it.
 */
export function JsonView({ value, label }: { value: unknown; label: string }) {
  const compact = useMemo(() => (value === undefined ? '' : JSON.stringify(value)), [value]);
  const large = compact.length > COLLAPSE_AT;
  const [open, setOpen] = useState(!large);
  const [showAll, setShowAll] = useState(false);
  const pretty = useMemo(
    () => (open && value !== undefined ? JSON.stringify(value, null, 2) : ''),
    [open, value],
  );
  if (value === undefined || value === null || compact === '{}' || compact === '""') {
    return <span className="muted">{value === undefined || value === null ? '—' : compact}</span>;
  }
  const shown = showAll ? pretty : pretty.slice(0, PREVIEW_CHARS);
  return (
    <details
      className="json-view"
      open={open}
      onToggle={(event) => setOpen((event.target as HTMLDetailsElement).open)}
    >
      <summary>
        {label} <span className="muted">({formatBytes(compact.length)})</span>
      </summary>
      {open && (
        <>
          <pre className="json" aria-label={label}>
            {shown}
          </pre>
          {shown.length < pretty.length && (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setShowAll(true)}
            >
              Show all ({formatBytes(pretty.length)})
            </button>
          )}
        </>
      )}
    </details>
  );
}
