import type { Job } from '../../../shared/contract';
import { errorSummary } from '../../../shared/contract/error-summary';
import { JOB_FIELD_ORDER } from '../../../shared/contract/job';
import { JsonView } from '../../ui/JsonView';
import { StatusChip } from '../../ui/StatusChip';
import { Time } from '../../ui/Time';

/** params and result are shown below the table as JSON; job_id is the title. */
const FIELDS = JOB_FIELD_ORDER.filter((f) => f !== 'job_id' && f !== 'params' && f !== 'result');
const TIME_FIELDS = new Set(['enqueued_at', 'started_at', 'finished_at', 'retried_at']);

function fieldValue(job: Job | null, field: string) {
  if (!job) return null;
  const value = field in job ? job[field as keyof Job] : job.extra[field];
  if (value === undefined || value === '') return <span className="muted">—</span>;
  if (field === 'status') return <StatusChip status={String(value)} />;
  if (TIME_FIELDS.has(field)) return <Time iso={String(value)} />;
  return <span className="mono">{String(value)}</span>;
}

/** params/result as JSON, or, when another producer stored text that does not parse, that text. */
function JsonField({ job, field, side }: { job: Job; field: 'params' | 'result'; side: string }) {
  const raw = job.invalid_json?.[field];
  if (raw !== undefined) {
    return (
      <div>
        <span className="field-error">Not valid JSON; the stored text is:</span>
        <pre className="json" aria-label={`${field} (${side})`}>
          {raw.length > 20_000 ? `${raw.slice(0, 20_000)}…` : raw}
        </pre>
      </div>
    );
  }
  return <JsonView value={job[field]} label={`${field} (${side})`} />;
}

/** One line on how the two copies relate, above the field-by-field view. */
export function syncSummary(
  workspace: string,
  oldJob: Job | null,
  newJob: Job | null,
  differences: string[],
  awaitingBackfill = false,
): { tone: 'ok' | 'warn' | 'bad'; text: string } {
  // The same words as the jobs list and the divergence check (docs/console.md).
  if (!newJob && awaitingBackfill)
    return {
      tone: 'warn',
      text: 'Only in the old schema: awaiting backfill (enqueued while dual-write was off).',
    };
  if (!newJob) return { tone: 'warn', text: 'Only in the old schema (missing in new).' };
  if (!oldJob) return { tone: 'warn', text: 'Only in the new schema (missing in old).' };
  const elsewhere = [oldJob, newJob].find(
    (job) => job.workspace_id && job.workspace_id !== workspace,
  );
  if (elsewhere)
    return {
      tone: 'bad',
      text: `Listed under ${workspace}, but the copy names workspace ${elsewhere.workspace_id}.`,
    };
  if (differences.length)
    return { tone: 'bad', text: `The copies differ in ${differences.join(', ')}.` };
  return { tone: 'ok', text: 'Both copies are in sync.' };
}

/** Both copies of a job side by side; rows the core reports as different are highlighted. */
export function JobCompare({
  workspace,
  old: oldJob,
  new: newJob,
  differences,
  awaitingBackfill = false,
}: {
  workspace: string;
  old: Job | null;
  new: Job | null;
  differences: string[];
  awaitingBackfill?: boolean;
}) {
  const differs = new Set(differences);
  // A copy naming another workspace than the one it is listed under is a divergence too.
  if ([oldJob, newJob].some((job) => job?.workspace_id && job.workspace_id !== workspace))
    differs.add('workspace_id');
  const extraFields = [
    ...new Set([...Object.keys(oldJob?.extra ?? {}), ...Object.keys(newJob?.extra ?? {})]),
  ].sort();
  const rows = [...FIELDS, ...extraFields];
  const summary = syncSummary(workspace, oldJob, newJob, differences, awaitingBackfill);
  const failed = [oldJob, newJob].find((job) => job?.status === 'failed');
  const error = failed && (failed.invalid_json?.result ?? errorSummary(failed.result));
  const hasResult = [oldJob, newJob].some(
    (job) =>
      job &&
      (job.invalid_json?.result !== undefined ||
        (job.result !== undefined && job.result !== null && job.result !== '')),
  );
  const jsonPair = (field: 'params' | 'result') => (
    <section key={field} className={`json-pair${differs.has(field) ? ' differs' : ''}`}>
      <h3>
        {field}
        {differs.has(field) && <span className="differs-mark">differs</span>}
      </h3>
      <div className="json-columns">
        <div>
          <div className="json-side">Old</div>
          {oldJob ? (
            <JsonField job={oldJob} field={field} side="old" />
          ) : (
            <em className="muted">no copy</em>
          )}
        </div>
        <div>
          <div className="json-side">New</div>
          {newJob ? (
            <JsonField job={newJob} field={field} side="new" />
          ) : (
            <em className="muted">no copy</em>
          )}
        </div>
      </div>
    </section>
  );
  // Triage reads the error and the result first (docs/triage.md), then the fields, then params;
  // a job without a result yet keeps the empty result last.
  return (
    <div className="compare">
      <p className={`sync-summary sync-summary-${summary.tone}`}>{summary.text}</p>
      {error && (
        <p className="job-error" aria-label="Error">
          <strong>Error</strong>
          {error}
        </p>
      )}
      {hasResult && jsonPair('result')}
      <table className="compare-table" aria-label="Old and new copies">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Old schema</th>
            <th scope="col">New schema</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((field) => (
            <tr
              key={field}
              className={differs.has(field) ? 'differs' : undefined}
              data-field={field}
            >
              <th scope="row">
                {field}
                {differs.has(field) && (
                  <span className="differs-mark" title="The two copies differ">
                    differs
                  </span>
                )}
              </th>
              <td>{oldJob ? fieldValue(oldJob, field) : <em className="muted">no copy</em>}</td>
              <td>{newJob ? fieldValue(newJob, field) : <em className="muted">no copy</em>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {jsonPair('params')}
      {!hasResult && jsonPair('result')}
    </div>
  );
}
