/** Characters of an id's end that stay visible however narrow: where time-ordered ids differ. */
const TAIL = 8;

/**
 * A job id in full, elided in the middle when its column is narrow: the start and the distinctive
 * end stay visible (docs/triage.md "Error column and the job drawer"). Its text is the whole id.
 */
export function JobId({ id }: { id: string }) {
  if (id.length <= TAIL + 4) return <span className="job-id">{id}</span>;
  return (
    <span className="job-id job-id-split">
      <span className="job-id-head">{id.slice(0, -TAIL)}</span>
      <span className="job-id-tail">{id.slice(-TAIL)}</span>
    </span>
  );
}
