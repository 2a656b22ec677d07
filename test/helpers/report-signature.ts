import type { DivergenceItem, DivergenceReport } from '../../shared/contract';

/** A report's items as sorted comparable lines (category, job, workspaces, fields, key). */
export function itemSignature(items: DivergenceItem[]): string[] {
  return items
    .map((i) =>
      JSON.stringify([
        i.category,
        i.job_id,
        i.workspace_id,
        i.old_workspace ?? null,
        i.fields ?? null,
        i.key ?? null,
      ]),
    )
    .sort();
}

/** What two runs of a check over the same keyspace must agree on. */
export function reportSignature(report: DivergenceReport) {
  return {
    state: report.state,
    in_sync: report.in_sync,
    counts: report.counts,
    pairs_compared: report.pairs_compared,
    items: itemSignature(report.items),
  };
}
