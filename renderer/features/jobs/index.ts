export { JobsPage } from './JobsPage';
export { jobKeys, jobListOptions, jobDetailOptions } from './queries';
export { useJobsUiActions } from './jobs-ui-store';
