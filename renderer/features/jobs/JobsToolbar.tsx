import type { RefObject } from 'react';
import type { JobStatus } from '../../../shared/contract';
import { JOB_STATUSES } from '../../../shared/contract/names';
import { useJobFilters, useJobsUiActions } from './jobs-ui-store';

/** Status, action and actor filters plus the job-id prefix search (focused by `/`). */
export function JobsToolbar({ searchRef }: { searchRef: RefObject<HTMLInputElement | null> }) {
  const filters = useJobFilters();
  const { filterChanged, filtersCleared } = useJobsUiActions();
  const any = Boolean(filters.status || filters.action || filters.actor || filters.prefix);
  return (
    <div className="toolbar" role="search" aria-label="Filter jobs">
      <input
        ref={searchRef}
        type="search"
        className="search"
        aria-label="Search by job id prefix"
        placeholder="Job id prefix…  /"
        value={filters.prefix}
        onChange={(e) => filterChanged({ prefix: e.target.value })}
      />
      <select
        aria-label="Filter by status"
        value={filters.status}
        onChange={(e) => filterChanged({ status: e.target.value as JobStatus | '' })}
      >
        <option value="">Any status</option>
        {JOB_STATUSES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </select>
      <input
        type="text"
        aria-label="Filter by action"
        placeholder="Action contains…"
        title="Any part of the action, in any case (e.g. gmail)"
        value={filters.action}
        onChange={(e) => filterChanged({ action: e.target.value })}
      />
      <input
        type="text"
        aria-label="Filter by actor"
        placeholder="Actor contains…"
        title="Any part of the actor, in any case"
        value={filters.actor}
        onChange={(e) => filterChanged({ actor: e.target.value })}
      />
      {any && (
        <button type="button" className="btn btn-ghost btn-small" onClick={filtersCleared}>
          Clear filters
        </button>
      )}
    </div>
  );
}
