import type { ReactNode } from 'react';
import { AuditPage } from '../features/audit';
import { DivergencePanel } from '../features/divergence';
import { EnqueueForm } from '../features/enqueue';
import { JobsPage } from '../features/jobs';
import { MetricsPage } from '../features/metrics';
import { MigrationPage } from '../features/migration';
import { WorkspaceNav } from '../features/workspaces';
import { ConnectionBanner } from './ConnectionBanner';
import { useView, type ViewId } from './navigation';
import { useServerEvents } from './server-events';
import { TopBar } from './TopBar';

const PAGES: Record<ViewId, () => ReactNode> = {
  jobs: () => <JobsPage />,
  enqueue: () => <EnqueueForm />,
  migration: () => <MigrationPage />,
  metrics: () => <MetricsPage />,
  audit: () => <AuditPage />,
  divergence: () => <DivergencePanel />,
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
      <main className="main">{PAGES[view]()}</main>
    </div>
  );
}
