import { lazy, Suspense, type ReactNode } from 'react';
import { EnqueueForm } from '../features/enqueue';
import { JobsPage } from '../features/jobs';
import { WorkspaceNav } from '../features/workspaces';
import { ConnectionBanner } from './ConnectionBanner';
import { useView, type ViewId } from './navigation';
import { useServerEvents } from './server-events';
import { TopBar } from './TopBar';

// Screens other than jobs load on first visit, so the jobs table (and its first rows) comes first;
// the charts library alone is a sizeable part of the bundle.
const MigrationPage = lazy(() =>
  import('../features/migration').then((m) => ({ default: m.MigrationPage })),
);
const MetricsPage = lazy(() =>
  import('../features/metrics').then((m) => ({ default: m.MetricsPage })),
);
const AuditPage = lazy(() => import('../features/audit').then((m) => ({ default: m.AuditPage })));
const DivergencePage = lazy(() =>
  import('../features/divergence').then((m) => ({ default: m.DivergencePage })),
);

const PAGES: Record<ViewId, () => ReactNode> = {
  jobs: () => <JobsPage />,
  enqueue: () => <EnqueueForm />,
  migration: () => <MigrationPage />,
  metrics: () => <MetricsPage />,
  audit: () => <AuditPage />,
  divergence: () => <DivergencePage />,
};

/** The frame: top bar, failure banner, the "Workspaces" navigation, and the chosen screen. */
export function Shell() {
  useServerEvents();
  const view = useView();
  return (
    <div className="app">
      <TopBar />
      <ConnectionBanner />
      <aside className="side">
        <WorkspaceNav />
      </aside>
      <main className="main">
        <Suspense fallback={<p className="muted pad">Loading…</p>}>{PAGES[view]()}</Suspense>
      </main>
    </div>
  );
}
