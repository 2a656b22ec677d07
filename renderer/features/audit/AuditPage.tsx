import { useDeferredValue, useMemo } from 'react';
import { useConnectionStale } from '../../app/connection';
import { Button } from '../../ui/Button';
import { ErrorNote } from '../../ui/ErrorNote';
import { StaleMark } from '../../ui/StaleMark';
import { Time } from '../../ui/Time';
import {
  useAuditActions,
  useAuditFilter,
  useAuditLimit,
  useAuditOutcome,
  type OutcomeFilter,
} from './audit-ui-store';
import { auditToCsv, downloadText, isFailure } from './csv';

/** A write whose outcome is not known (lost reply, no replica confirmed) is neither ok nor failed. */
function outcomeChip(outcome: string): string {
  if (outcome === 'ok') return 'chip-completed';
  return outcome === 'unknown' || outcome === 'unconfirmed' ? 'chip-running' : 'chip-failed';
}
import { useAudit } from './queries';
import '../../ui/screen.css';
import './audit.css';
import { plural } from '../../ui/plural';

export function AuditPage() {
  const filter = useAuditFilter();
  const outcome = useAuditOutcome();
  const limit = useAuditLimit();
  const actions = useAuditActions();
  const contains = useDeferredValue(filter.trim());
  const audit = useAudit(contains, limit);
  const away = useConnectionStale();
  const entries = useMemo(
    () =>
      (audit.data ?? []).filter((entry) =>
        outcome === 'all' ? true : outcome === 'failed' ? isFailure(entry) : !isFailure(entry),
      ),
    [audit.data, outcome],
  );

  const exportCsv = () => {
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    downloadText(`queuescope-audit-${stamp}.csv`, auditToCsv(entries));
  };

  return (
    <div className="screen audit-page">
      <h1 className="screen-title">Audit</h1>
      <p className="muted">
        Every write a person made through Queuescope (console or command line), newest first.
      </p>
      <div className="toolbar">
        <input
          type="search"
          className="input"
          aria-label="Filter audit"
          placeholder="Filter by actor, operation, target or outcome"
          value={filter}
          onChange={(event) => actions.filterTyped(event.target.value)}
        />
        <select
          className="input"
          aria-label="Outcome"
          value={outcome}
          onChange={(event) => actions.outcomeChosen(event.target.value as OutcomeFilter)}
        >
          <option value="all">All outcomes</option>
          <option value="ok">Succeeded</option>
          <option value="failed">Failed</option>
        </select>
        <span className="muted" aria-live="polite">
          {audit.data === undefined ? 'Loading…' : plural(entries.length, 'action')}
          {(audit.isError || away) && audit.data !== undefined && (
            <>
              {' '}
              <StaleMark readAt={audit.dataUpdatedAt} />
            </>
          )}
        </span>
        <span className="toolbar-spacer" />
        <Button onClick={exportCsv} disabled={entries.length === 0}>
          Export CSV
        </Button>
      </div>
      <ErrorNote error={audit.error} prefix="Could not read the audit trail." />
      <div className="table-scroll">
        <table className="data-table audit-table" aria-label="Audit">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Actor</th>
              <th scope="col">Operation</th>
              <th scope="col">Target</th>
              <th scope="col">Outcome</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((entry) => (
              <tr key={entry.id}>
                <td>
                  <Time iso={entry.time} />
                </td>
                <td>
                  {entry.actor}
                  {entry.host_user && (
                    <div className="muted audit-details">
                      declared in a browser; host user {entry.host_user}
                    </div>
                  )}
                </td>
                <td>
                  <code>{entry.operation}</code>
                </td>
                <td className="audit-target" title={entry.details}>
                  {entry.target}
                  {entry.details && <div className="muted audit-details">{entry.details}</div>}
                </td>
                <td>
                  <span className={`chip ${outcomeChip(entry.outcome)}`}>{entry.outcome}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {audit.data !== undefined && entries.length === 0 && (
          <p className="empty">
            {contains || outcome !== 'all'
              ? 'No action matches this filter.'
              : 'No operator action yet. Enqueues, retries, forced statuses, flag changes and repairs show up here.'}
          </p>
        )}
      </div>
      {audit.data !== undefined && audit.data.length >= limit && limit < 10_000 && (
        <Button onClick={actions.moreRequested}>Show older actions</Button>
      )}
    </div>
  );
}
