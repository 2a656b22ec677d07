import { Fragment } from 'react';
import type {
  DivergenceCategory,
  DivergenceItem,
  DivergenceReport,
} from '../../../shared/contract';
import { DIVERGENCE_CATEGORIES } from '../../../shared/contract/names';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { useCategory, useDivergenceActions, useOpenRow } from './divergence-ui-store';
import { download, reportCsv } from './export';
import { JobDiff } from './JobDiff';
import { useReport } from './queries';

export const CATEGORY_LABELS: Record<DivergenceCategory, string> = {
  missing_in_new: 'Missing in new',
  awaiting_backfill: 'Awaiting backfill',
  missing_in_old: 'Missing in old',
  mismatch: 'Mismatch',
  workspace_mismatch: 'Workspace mismatch',
  orphan_queue_entry: 'Orphan queue entry',
  orphan_idempotency_key: 'Orphan idempotency key',
};

function detail(item: DivergenceItem): string {
  if (item.fields?.length) return item.fields.join(', ');
  if (item.near_flip) return 'enqueued near a flag flip';
  if (item.old_workspace) return `old hash says ${item.old_workspace}`;
  return item.key ?? '';
}

function Summary({ report }: { report: DivergenceReport }) {
  return (
    <p className="divergence-summary" role="status">
      Check of {report.workspace_id ?? 'every workspace'} {report.state} ·{' '}
      <strong>{report.in_sync.toLocaleString()}</strong> in sync ·{' '}
      <span data-testid="settled">{report.settled_on_recheck}</span> settled on re-check ·{' '}
      {report.scanned.toLocaleString()} keys read
      {report.near_flip ? (
        <>
          {' '}
          · {report.near_flip.toLocaleString()} awaiting backfill within{' '}
          {((report.flag_skew_ms ?? 0) / 1000).toLocaleString()} s of a flag flip (clock skew
          allowed)
        </>
      ) : null}
      {report.walk_restarted ? ' · walked again from the start: Redis restarted meanwhile' : null}
    </p>
  );
}

/** A report's results, filterable by category, each row opening the job's diff. */
export function DivergenceResults({ reportId }: { reportId: string }) {
  const report = useReport(reportId);
  const category = useCategory();
  const openRow = useOpenRow();
  const actions = useDivergenceActions();
  if (report.error) return <ErrorNote error={report.error} />;
  if (!report.data) return null;
  const r = report.data;
  const items = r.items.filter((i) => category === 'all' || i.category === category);
  return (
    <div className="divergence-results">
      <Summary report={r} />
      <div className="divergence-filter" role="group" aria-label="Filter by category">
        <Button
          small
          aria-pressed={category === 'all'}
          onClick={() => actions.categoryChosen('all')}
        >
          All ({r.items.length})
        </Button>
        {DIVERGENCE_CATEGORIES.map((c) => (
          <Button
            key={c}
            small
            aria-pressed={category === c}
            onClick={() => actions.categoryChosen(c)}
          >
            {CATEGORY_LABELS[c]} ({r.counts[c]})
          </Button>
        ))}
        <span className="divergence-export">
          <Button
            small
            variant="ghost"
            onClick={() =>
              download(`divergence-${r.id}.json`, 'application/json', JSON.stringify(r, null, 2))
            }
          >
            Export JSON
          </Button>
          <Button
            small
            variant="ghost"
            onClick={() => download(`divergence-${r.id}.csv`, 'text/csv', reportCsv(r))}
          >
            Export CSV
          </Button>
        </span>
      </div>
      {items.length === 0 ? (
        <p className="divergence-empty">
          {r.items.length === 0
            ? 'No divergence: both schemas agree.'
            : 'Nothing in this category.'}
        </p>
      ) : (
        <table className="divergence-table" aria-label="Divergent jobs">
          <thead>
            <tr>
              <th>category</th>
              <th>job</th>
              <th>workspace</th>
              <th>what differs</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const row = `${item.category}:${item.job_id}:${item.key ?? ''}`;
              return (
                <Fragment key={row}>
                  <tr
                    className="divergence-row"
                    aria-expanded={openRow === row}
                    tabIndex={0}
                    onClick={() => actions.rowToggled(row)}
                    onKeyDown={(e) => e.key === 'Enter' && actions.rowToggled(row)}
                  >
                    <td>{CATEGORY_LABELS[item.category]}</td>
                    <td className="mono">{item.job_id}</td>
                    <td>{item.workspace_id ?? '—'}</td>
                    <td>{detail(item)}</td>
                  </tr>
                  {openRow === row && (
                    <tr className="divergence-diff-row">
                      <td colSpan={4}>
                        <JobDiff item={item} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {r.truncated && (
        <p className="divergence-empty">
          Showing the first {r.items.length} items; export or repair covers them all.
        </p>
      )}
    </div>
  );
}
