import { lazy, Suspense, type ReactNode } from 'react';
import { EnqueueForm } from '../features/enqueue';
import { JobsPage } from '../features/jobs';
import { WorkspaceNav } from '../features/workspaces';
import { ConnectionBanner } from './ConnectionBanner';
import { DualWriteBanner } from './DualWriteBanner';
import { useView, type ViewId } from './navigation';
import { useServerEvents } from './server-events';
import { ShortcutsHelp } from './ShortcutsHelp';
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
const OverviewPage = lazy(() =>
  import('../features/overview').then((m) => ({ default: m.OverviewPage })),
);
const QueuePage = lazy(() => import('../features/queue').then((m) => ({ default: m.QueuePage })));
const DivergencePage = lazy(() =>
  import('../features/divergence').then((m) => ({ default: m.DivergencePage })),
);

const PAGES: Record<ViewId, () => ReactNode> = {
  overview: () => <OverviewPage />,
  queue: () => <QueuePage />,
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
      <div className="banners">
        <ConnectionBanner />
        <DualWriteBanner />
      </div>
      <aside className="side">
        <WorkspaceNav />
      </aside>
      <main className="main">
        <Suspense fallback={<p className="muted pad">Loading…</p>}>{PAGES[view]()}</Suspense>
      </main>
      <ShortcutsHelp />
    </div>
  );
}
