import { create } from 'zustand';
import type { JobStatus } from '../../../shared/contract';
import { JOB_STATUSES } from '../../../shared/contract/names';
import { linkChanged } from '../../app/navigation';
import { linkFromHash, registerLinkPart, type Link } from '../../app/place';

export interface JobFilters {
  status: JobStatus | '';
  action: string;
  actor: string;
  prefix: string;
}

const NO_FILTERS: JobFilters = { status: '', action: '', actor: '', prefix: '' };

/** The filters a link names (docs/triage.md "Links": `?status=failed&action=gmail&actor=al&id=01H`). */
function filtersOf(params: URLSearchParams): JobFilters {
  const status = params.get('status') ?? '';
  return {
    status: (JOB_STATUSES as readonly string[]).includes(status) ? (status as JobStatus) : '',
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    prefix: params.get('id') ?? '',
  };
}

/** What a link to the jobs screen opens: its workspace, filters and open job. */
function stateOfLink(link: Link) {
  return {
    workspace: link.workspace,
    filters: filtersOf(link.params),
    openJobId: link.rest[0] ?? null,
    activeIndex: -1,
    selected: new Set<string>(),
  };
}

const opened = linkFromHash(window.location.hash);

interface JobsUiState {
  workspace: string | null;
  filters: JobFilters;
  selected: ReadonlySet<string>;
  openJobId: string | null;
  activeIndex: number;
  actions: {
    /** Entering another workspace starts from a clean slate: no selection, no open job. */
    workspaceEntered(workspace: string): void;
    filterChanged(patch: Partial<JobFilters>): void;
    filtersCleared(): void;
    selectionToggled(jobId: string): void;
    selectionReplaced(jobIds: string[]): void;
    selectionCleared(): void;
    jobOpened(jobId: string, index?: number): void;
    jobClosed(): void;
    /** A link to a job from elsewhere (the enqueue outcome): its workspace with the job open. */
    jobLinked(workspace: string, jobId: string): void;
    /** A link to the jobs screen was opened (pasted, or the address edited). */
    linkOpened(link: Link): void;
    activeRowMoved(delta: number, rowCount: number): void;
  };
}

const useJobsUiStore = create<JobsUiState>()((set) => ({
  workspace: null,
  filters: NO_FILTERS,
  selected: new Set(),
  openJobId: null,
  activeIndex: -1,
  ...(opened.view === 'jobs' && opened.workspace ? stateOfLink(opened) : {}),
  actions: {
    linkOpened: (link) => set(stateOfLink(link)),
    workspaceEntered: (workspace) =>
      set((s) =>
        s.workspace === workspace
          ? s
          : { workspace, selected: new Set(), openJobId: null, activeIndex: -1 },
      ),
    filterChanged: (patch) =>
      set((s) => ({ filters: { ...s.filters, ...patch }, activeIndex: -1, selected: new Set() })),
    filtersCleared: () => set({ filters: NO_FILTERS, activeIndex: -1, selected: new Set() }),
    selectionToggled: (jobId) =>
      set((s) => {
        const next = new Set(s.selected);
        if (next.has(jobId)) next.delete(jobId);
        else next.add(jobId);
        return { selected: next };
      }),
    selectionReplaced: (jobIds) => set({ selected: new Set(jobIds) }),
    selectionCleared: () => set({ selected: new Set() }),
    jobOpened: (jobId, index) =>
      set((s) => ({ openJobId: jobId, activeIndex: index ?? s.activeIndex })),
    jobClosed: () => set({ openJobId: null }),
    jobLinked: (workspace, jobId) =>
      set({
        workspace,
        openJobId: jobId,
        activeIndex: -1,
        selected: new Set(),
        filters: NO_FILTERS,
      }),
    activeRowMoved: (delta, rowCount) =>
      set((s) => ({
        activeIndex: Math.max(0, Math.min(rowCount - 1, s.activeIndex + delta)),
      })),
  },
}));

registerLinkPart({
  view: 'jobs',
  write: (place) => {
    const { workspace, openJobId, filters } = useJobsUiStore.getState();
    if (workspace !== place.workspace) return {};
    return {
      rest: openJobId ? [openJobId] : [],
      params: {
        status: filters.status,
        action: filters.action,
        actor: filters.actor,
        id: filters.prefix,
      },
    };
  },
  read: (link) => useJobsUiStore.getState().actions.linkOpened(link),
});
useJobsUiStore.subscribe((now, before) => {
  if (
    now.openJobId !== before.openJobId ||
    now.filters !== before.filters ||
    now.workspace !== before.workspace
  )
    linkChanged();
});

export const useJobFilters = () => useJobsUiStore((s) => s.filters);
/** The filters now, outside React (an event handler that must not re-render on filter changes). */
export const currentJobFilters = () => useJobsUiStore.getState().filters;
export const useSelectedJobs = () => useJobsUiStore((s) => s.selected);
export const useIsJobSelected = (jobId: string) => useJobsUiStore((s) => s.selected.has(jobId));
export const useOpenJobId = () => useJobsUiStore((s) => s.openJobId);
export const useActiveIndex = () => useJobsUiStore((s) => s.activeIndex);
export const useJobsUiActions = () => useJobsUiStore((s) => s.actions);
