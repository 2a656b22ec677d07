import type { JobFilters } from './jobs-ui-store';

/** The contract rejects empty filter strings, so blanks are left out rather than sent. */
export function listInput(workspace: string, filters: JobFilters) {
  return {
    workspace_id: workspace,
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.action.trim() ? { action: filters.action.trim() } : {}),
    ...(filters.actor.trim() ? { actor: filters.actor.trim() } : {}),
    ...(filters.prefix.trim() ? { job_id_prefix: filters.prefix.trim() } : {}),
  };
}
