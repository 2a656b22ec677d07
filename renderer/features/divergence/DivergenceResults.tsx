import { Fragment } from 'react';
import type { DivergenceItem, DivergenceReport } from '../../../shared/contract';
import { DIVERGENCE_CATEGORIES } from '../../../shared/contract/names';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { Time } from '../../ui/Time';
import { CATEGORY_LABELS, markText } from './categories';
import { useCategory, useDivergenceActions, useOpenRow } from './divergence-ui-store';
import { download, reportCsv } from './export';
import { JobDiff } from './JobDiff';
import { useReport } from './queries';

function detail(item: DivergenceItem): string {
  if (item.fields?.length) return item.fields.join(', ');
  if (item.near_flip) return 'enqueued near a flag flip';
  if (item.old_workspace) return `old hash says ${item.old_workspace}`;
  return item.key ?? '';
}

/** How the last repair from this report went, over the items shown (capped like them). */
function RepairSummary({ items }: { items: DivergenceItem[] }) {
  const marked = items.filter((i) => i.repair);
  if (marked.length === 0) return null;
  const count = (outcome: string) => marked.filter((i) => i.repair!.outcome === outcome).length;
  const last = marked
    .map((i) => i.repair!.at)
    .sort()
    .at(-1)!;
  return (
    <p className="divergence-summary repair-summary">
      After the repair of <Time iso={last} />: <strong>{count('applied')}</strong> fixed ·{' '}
      <strong>{count('skipped')}</strong> skipped
      {count('unknown') ? ` · ${count('unknown')} of unknown outcome` : ''}. Run a check to see what
      is still divergent.
    </p>
  );
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
      <RepairSummary items={r.items} />
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
              <th>after repair</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => {
              const row = `${item.category}:${item.job_id}:${item.key ?? ''}`;
              return (
                <Fragment key={row}>
                  <tr
                    className={`divergence-row${item.repair ? ` repaired-${item.repair.outcome}` : ''}`}
                    aria-expanded={openRow === row}
                    tabIndex={0}
                    onClick={() => actions.rowToggled(row)}
                    onKeyDown={(e) => e.key === 'Enter' && actions.rowToggled(row)}
                  >
                    <td>{CATEGORY_LABELS[item.category]}</td>
                    <td className="mono">{item.job_id}</td>
                    <td>{item.workspace_id ?? '—'}</td>
                    <td>{detail(item)}</td>
                    <td>
                      {item.repair ? (
                        <span className={`repair-mark repair-mark-${item.repair.outcome}`}>
                          {markText(item.repair)}
                        </span>
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                  </tr>
                  {openRow === row && (
                    <tr className="divergence-diff-row">
                      <td colSpan={5}>
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
