export { QueuePage } from './QueuePage';
export { RemoveFromQueueDialog, removedText, type RemoveTarget } from './RemoveFromQueueDialog';
export { useQueuePosition, queueKeys } from './queries';
