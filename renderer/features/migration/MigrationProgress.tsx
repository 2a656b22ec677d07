import { useQuery } from '@tanstack/react-query';
import type { StatusCounts } from '../../../shared/contract';
import { workspacesQueryOptions } from '../workspaces/queries';

const total = (c: StatusCounts) => c.pending + c.running + c.completed + c.failed + c.other;

/**
 * How far the new schema has caught up, per workspace, from the counts the "Workspaces" navigation
 * already holds (same query, so no extra Redis reads).
 */
export function MigrationProgress() {
  const workspaces = useQuery(workspacesQueryOptions());
  const rows = (workspaces.data ?? []).map((ws) => ({
    id: ws.workspace_id,
    old: total(ws.old),
    new: total(ws.new),
  }));
  if (rows.length === 0) return null;
  const sum = rows.reduce((s, r) => ({ old: s.old + r.old, new: s.new + r.new }), {
    old: 0,
    new: 0,
  });
  return (
    <section className="panel" aria-labelledby="progress-title">
      <h2 id="progress-title" className="panel-title">
        New schema coverage
        <span className="muted panel-sub">
          {sum.new.toLocaleString('en-US')} of {sum.old.toLocaleString('en-US')} jobs have a new
          copy
        </span>
      </h2>
      <table className="data-table" aria-label="New schema coverage">
        <thead>
          <tr>
            <th scope="col">Workspace</th>
            <th scope="col" className="num">
              Old schema
            </th>
            <th scope="col" className="num">
              New schema
            </th>
            <th scope="col">Coverage</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const share = row.old === 0 ? (row.new > 0 ? 1 : 0) : Math.min(1, row.new / row.old);
            return (
              <tr key={row.id}>
                <td>{row.id}</td>
                <td className="num">{row.old.toLocaleString('en-US')}</td>
                <td className="num">{row.new.toLocaleString('en-US')}</td>
                <td>
                  <span className="coverage">
                    <span className="coverage-bar" style={{ width: `${share * 100}%` }} />
                  </span>
                  <span className="coverage-text">{Math.floor(share * 100)} %</span>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="muted coverage-note">
        Jobs enqueued while dual-write was off have no new copy until a backfill (repair of “missing
        in new”) writes one.
      </p>
    </section>
  );
}
