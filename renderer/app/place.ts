export const VIEWS = [
  { id: 'overview', label: 'Overview' },
  { id: 'jobs', label: 'Jobs' },
  { id: 'queue', label: 'Queue' },
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

/**
 * Everything a link says (docs/triage.md "Links"): `#/{view}/{workspace}/{more…}?{params}`. The
 * screen and workspace are the navigation's; what follows is the screen's own (the open job, the
 * filters, a metrics window).
 */
export interface Link extends Place {
  rest: string[];
  params: URLSearchParams;
}

/** `#/jobs/ws-acme`: the screen and workspace live in the URL so a link or reload lands there. */
export function placeFromHash(hash: string): Place {
  const { view, workspace } = linkFromHash(hash);
  return { view, workspace };
}

export function linkFromHash(hash: string): Link {
  const text = hash.replace(/^#\/?/, '');
  const cut = text.indexOf('?');
  const path = cut < 0 ? text : text.slice(0, cut);
  const [view, workspace, ...rest] = path.split('/').map(decodeSegment);
  const known = VIEWS.find((v) => v.id === view);
  return {
    // The start page is the overview; a link to a screen that does not exist lands there too.
    view: known ? known.id : 'overview',
    workspace: workspace || null,
    rest: rest.filter(Boolean),
    params: new URLSearchParams(cut < 0 ? '' : text.slice(cut + 1)),
  };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** A screen's own part of the link: written from its state, read back when a link is opened. */
export interface LinkPart {
  view: ViewId;
  write(place: Place): { rest?: string[]; params?: Record<string, string> };
  read(link: Link): void;
}

const parts: LinkPart[] = [];

/** Screens register their part when their module loads; the link then carries their state. */
export function registerLinkPart(part: LinkPart): void {
  parts.push(part);
}

/** Hands an opened link (a pasted URL, a reload) to the screens it concerns. */
export function applyLink(hash: string): void {
  const link = linkFromHash(hash);
  for (const part of parts) if (part.view === link.view) part.read(link);
}

/**
 * The link of a place. A screen whose code has not loaded yet has no part registered: its part of
 * the `current` link (same screen and workspace) is kept for it to read once it loads.
 */
export function hashOf(place: Place, current?: string): string {
  let rest: string[] = [];
  let params = new URLSearchParams();
  const own = parts.filter((part) => part.view === place.view);
  for (const part of own) {
    const written = part.write(place);
    rest.push(...(written.rest ?? []));
    for (const [key, value] of Object.entries(written.params ?? {}))
      if (value) params.set(key, value);
  }
  if (own.length === 0 && current !== undefined) {
    const link = linkFromHash(current);
    if (link.view === place.view && link.workspace === place.workspace) {
      rest = link.rest;
      params = link.params;
    }
  }
  const path = [place.view, ...(place.workspace ? [place.workspace, ...rest] : [])]
    .map(encodeURIComponent)
    .join('/');
  const query = params.toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}
