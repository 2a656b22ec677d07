export const VIEWS = [
  { id: 'jobs', label: 'Jobs' },
  { id: 'enqueue', label: 'Enqueue job' },
  { id: 'migration', label: 'Migration' },
  { id: 'metrics', label: 'Metrics' },
  { id: 'audit', label: 'Audit' },
  { id: 'divergence', label: 'Divergence' },
] as const;
export type ViewId = (typeof VIEWS)[number]['id'];

export interface Place {
  view: ViewId;
  workspace: string | null;
}

/** `#/jobs/ws-acme`: the screen and workspace live in the URL so a link or reload lands there. */
export function placeFromHash(hash: string): Place {
  const [view, workspace] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const known = VIEWS.find((v) => v.id === view);
  return { view: known ? known.id : 'jobs', workspace: workspace || null };
}

export function hashOf(place: Place): string {
  return `#/${place.view}${place.workspace ? `/${encodeURIComponent(place.workspace)}` : ''}`;
}
