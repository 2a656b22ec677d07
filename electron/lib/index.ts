/**
 * The queue core as a library for Node services: `import { Queue, startWorker } from 'queuescope'`.
 * The same core as the console, the web host and the command line (docs/architecture.md, "Doors"),
 * with nothing of Electron, React or the doors in it.
 */
export { Queue } from './queue';
export type { JobCopies, NewJob, QueueOptions, RetryOptions, UpdateStatusOptions } from './queue';
export { JobFailure, startWorker } from './worker';
export type { JobContext, JobHandler, Worker, WorkerOptions, WorkerStats } from './worker';
export {
  ConflictError,
  InternalError,
  NotFoundError,
  QueuescopeError,
  ReadOnlyError,
  RedisUnavailableError,
  ValidationError,
} from '../core/errors';
export { JOB_STATUSES } from '../../shared/contract/names';
export type {
  ApiError,
  EnqueueManyItem,
  EnqueueOutcome,
  ErrorCode,
  FlagState,
  FlagValue,
  Job,
  JobStatus,
} from '../../shared/contract';
