export { OverviewPage } from './OverviewPage';
export { overviewKeys } from './queries';
