const KNOWN = new Set(['pending', 'running', 'completed', 'failed']);

/** A job status as a coloured chip; a copy that does not exist shows as an em dash. */
export function StatusChip({ status }: { status: string | null | undefined }) {
  if (status === null || status === undefined) {
    return (
      <span className="chip chip-absent" title="No copy in this schema">
        —
      </span>
    );
  }
  const kind = KNOWN.has(status) ? status : 'other';
  return <span className={`chip chip-${kind}`}>{status || '(empty)'}</span>;
}
