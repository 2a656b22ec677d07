// First, so the first screen's read is on its way while React itself loads.
import './app/early-reads';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import './styles/theme.css';
import './styles/base.css';
import './styles/layout.css';
import './styles/jobs.css';
// Shared by every screen (panels, tables, stale marks): loaded up front, so a screen opened first
// is styled on first load, not only once another screen imported it (docs/console.md).
import './ui/screen.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
