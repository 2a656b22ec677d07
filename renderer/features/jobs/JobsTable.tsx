import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useEffect, useRef, useState } from 'react';
import type { JobRow } from '../../../shared/contract';
import { CopyButton } from '../../ui/CopyButton';
import { JobId } from '../../ui/JobId';
import { StatusChip } from '../../ui/StatusChip';
import '../../ui/job-id.css';
import './triage.css';
import { Time } from '../../ui/Time';
import {
  useActiveIndex,
  useIsJobSelected,
  useJobsUiActions,
  useOpenJobId,
  useSelectedJobs,
} from './jobs-ui-store';
import { PAGE_SIZE } from './queries';
import { SyncCell } from './SyncCell';

const ROW_HEIGHT = 34;
/** Rows rendered beyond the visible ones on each side, so scrolling shows no blank rows. */
const OVERSCAN = 12;
/** Start loading the next page this many rows before the end is reached. */
const PREFETCH_ROWS = 30;

const COLUMNS = [
  'Job ID',
  'Action',
  'Actor',
  'Old',
  'New',
  'Sync',
  'Error',
  'Enqueued',
  'Started',
  'Finished',
  'Attempts',
];

interface RowProps {
  row: JobRow;
  index: number;
  top: number;
  active: boolean;
  open: boolean;
}

const Row = memo(function Row({ row, index, top, active, open }: RowProps) {
  const selected = useIsJobSelected(row.job_id);
  const { selectionToggled, jobOpened } = useJobsUiActions();
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-job-id={row.job_id}
      // Focus comes back here when the job's drawer closes (docs/triage.md).
      tabIndex={-1}
      className={`jobs-row${active ? ' is-active' : ''}${open ? ' is-open' : ''}${selected ? ' is-selected' : ''}`}
      style={{ transform: `translateY(${top}px)` }}
      onClick={() => jobOpened(row.job_id, index)}
    >
      <div role="cell" className="cell-check" onClick={(e) => e.stopPropagation()}>
        <input
          type="checkbox"
          aria-label={`Select ${row.job_id}`}
          checked={selected}
          onChange={() => selectionToggled(row.job_id)}
        />
      </div>
      <div role="cell" className="cell-id mono" title={row.job_id}>
        <JobId id={row.job_id} />
        <CopyButton text={row.job_id} label={`Copy job id ${row.job_id}`} />
      </div>
      <div role="cell" className="truncate" title={row.action}>
        {row.action || <span className="muted">—</span>}
      </div>
      <div role="cell" className="truncate" title={row.actor}>
        {row.actor}
      </div>
      <div role="cell">
        <StatusChip status={row.old_status} />
      </div>
      <div role="cell">
        <StatusChip status={row.new_status} />
      </div>
      <div role="cell" className="truncate">
        <SyncCell sync={row.sync} />
      </div>
      <div role="cell" className="cell-error" title={row.error}>
        {row.error ?? ''}
      </div>
      <div role="cell" className="cell-time">
        <Time iso={row.enqueued_at} />
      </div>
      <div role="cell" className="cell-time">
        <Time iso={row.started_at} />
      </div>
      <div role="cell" className="cell-time">
        <Time iso={row.finished_at} />
      </div>
      <div role="cell" className="cell-num">
        {row.attempts}
      </div>
    </div>
  );
});

/**
 * The rows in view render first, alone; the rows kept ready above and below for scrolling follow in
 * the next frame, after the first rows have been painted.
 */
function useOverscanAfterFirstRows(hasRows: boolean): number {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (!hasRows || ready) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setReady(true))));
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [hasRows, ready]);
  return ready ? OVERSCAN : 0;
}

export interface JobsTableProps {
  rows: JobRow[];
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage(): void;
  /** Called when the user is back at the very top with more than one page loaded. */
  onBackAtTop(): void;
  stale: boolean;
}

/** The "Jobs" table: only the rows in view are in the DOM, the next page loads as the end nears. */
export function JobsTable({
  rows,
  hasNextPage,
  isFetchingNextPage,
  fetchNextPage,
  onBackAtTop,
  stale,
}: JobsTableProps) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const activeIndex = useActiveIndex();
  const openJobId = useOpenJobId();
  const selected = useSelectedJobs();
  const { selectionReplaced, selectionCleared } = useJobsUiActions();
  const count = rows.length + (hasNextPage ? 1 : 0);
  const overscan = useOverscanAfterFirstRows(rows.length > 0);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan,
    // The window's height bounds the table's: rows render with the first data, not a pass later
    // once the table has been measured.
    initialRect: { width: 0, height: window.innerHeight },
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;
  const atTop = virtualizer.scrollOffset === 0;

  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && lastIndex >= rows.length - PREFETCH_ROWS)
      fetchNextPage();
  }, [lastIndex, rows.length, hasNextPage, isFetchingNextPage, fetchNextPage]);

  useEffect(() => {
    // Only when the first page alone would not ask for the next one again at once.
    const firstPageSuffices = lastIndex < PAGE_SIZE - PREFETCH_ROWS;
    if (atTop && firstPageSuffices && rows.length > PAGE_SIZE && !isFetchingNextPage) onBackAtTop();
  }, [atTop, rows.length, lastIndex, isFetchingNextPage, onBackAtTop]);

  useEffect(() => {
    if (activeIndex >= 0) virtualizer.scrollToIndex(activeIndex, { align: 'auto' });
  }, [activeIndex, virtualizer]);

  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.job_id));
  return (
    <div
      role="table"
      aria-label="Jobs"
      aria-rowcount={hasNextPage ? -1 : rows.length + 1}
      className={`jobs-table${stale ? ' is-stale' : ''}`}
    >
      <div role="rowgroup" className="jobs-head">
        <div role="row" aria-rowindex={1} className="jobs-row jobs-head-row">
          <div role="columnheader" className="cell-check">
            <input
              type="checkbox"
              aria-label="Select all loaded jobs"
              checked={allSelected}
              onChange={() =>
                allSelected ? selectionCleared() : selectionReplaced(rows.map((r) => r.job_id))
              }
            />
          </div>
          {COLUMNS.map((name) => (
            <div role="columnheader" key={name} className={name === 'Attempts' ? 'cell-num' : ''}>
              {name}
            </div>
          ))}
        </div>
      </div>
      <div ref={scrollRef} className="jobs-scroll" data-testid="jobs-scroll">
        <div role="rowgroup" className="jobs-body" style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = rows[item.index];
            if (!row) {
              return (
                <div
                  key="loader"
                  className="jobs-row jobs-loader"
                  style={{ transform: `translateY(${item.start}px)` }}
                >
                  Loading more jobs…
                </div>
              );
            }
            return (
              <Row
                key={row.job_id}
                row={row}
                index={item.index}
                top={item.start}
                active={item.index === activeIndex}
                open={row.job_id === openJobId}
              />
            );
          })}
        </div>
      </div>
    </div>
  );
}
