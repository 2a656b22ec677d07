import type { DivergenceItem, Job } from '../../../shared/contract';
import { ErrorNote } from '../../ui/ErrorNote';
import { useJobDiff } from './queries';

function shown(job: Job | null, field: string): string {
  if (!job) return '';
  const value = field === 'extra' ? undefined : (job as unknown as Record<string, unknown>)[field];
  const raw = value ?? job.extra[field];
  if (raw === undefined) return '';
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

/** Both copies of a divergent job side by side, the differing fields marked. */
export function JobDiff({ item }: { item: DivergenceItem }) {
  const orphan = item.category.startsWith('orphan_');
  const diff = useJobDiff(item.job_id, orphan ? null : item.workspace_id);
  if (orphan)
    return (
      <p className="divergence-diff-note">
        {item.category === 'orphan_queue_entry'
          ? `ai:queue:pending holds ${item.job_id}, but no job hash exists for it.`
          : `${item.key ?? 'An idempotency key'} points to ${item.job_id}, which exists in neither schema.`}
      </p>
    );
  if (diff.error) return <ErrorNote error={diff.error} />;
  if (!diff.data) return <p className="divergence-diff-note">Reading both copies…</p>;
  const { old, new: copy, differences } = diff.data;
  const fields = new Set<string>();
  for (const job of [old, copy]) {
    if (!job) continue;
    for (const [k, v] of Object.entries(job)) if (k !== 'extra' && v !== undefined) fields.add(k);
    for (const k of Object.keys(job.extra)) fields.add(k);
  }
  const differing = new Set(differences);
  return (
    <table className="divergence-diff" aria-label={`Diff of ${item.job_id}`}>
      <thead>
        <tr>
          <th>field</th>
          <th>old (ai:jobs)</th>
          <th>new (ai:job:{item.workspace_id})</th>
        </tr>
      </thead>
      <tbody>
        {!old && (
          <tr>
            <td colSpan={3}>The old copy does not exist.</td>
          </tr>
        )}
        {!copy && (
          <tr>
            <td colSpan={3}>The new copy does not exist in {item.workspace_id}.</td>
          </tr>
        )}
        {[...fields].sort().map((field) => (
          <tr key={field} className={differing.has(field) ? 'differs' : undefined}>
            <th scope="row">{field}</th>
            <td>{shown(old, field)}</td>
            <td>{shown(copy, field)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
