import type {
  Contract,
  CoreOperationName,
  OperationName,
  OutputOf,
  ParsedInputOf,
} from '../../shared/contract';
import type { CallContext, CoreContext } from './context';
import { enqueue, enqueueMany, type EnqueueBatcher } from './jobs/enqueue';
import { listJobs, listWorkspaces } from './jobs/list';
import { inspectJob } from './jobs/inspect-job';
import { getJob } from './jobs/read-job';
import { retry } from './jobs/retry';
import { updateStatus } from './jobs/update-status';
import { divergenceCheck } from './migration/divergence-check';
import { getFlag, setFlag } from './migration/flags';
import { indexStep } from './migration/indexer';
import { repair } from './migration/repair';
import { listReports, readReport } from './migration/report-store';
import { durabilityPolicy } from './redis/durability';
import { describeConnection } from './redis/topology';
import { readAudit } from './telemetry/audit';
import { prometheusText, readMetrics } from './telemetry/metrics';
import { findJob } from './triage/find-job';
import { overview } from './triage/overview';
import { queuePage, removeFromQueue } from './triage/queue';

export type Handler<K extends OperationName> = (
  input: ParsedInputOf<Contract[K]>,
  call: CallContext,
) => Promise<OutputOf<Contract[K]>>;

/** The desktop app's profile operations are answered by its main process, not by the core. */
export type Handlers = { [K in CoreOperationName]: Handler<K> };

/** One handler per contract operation; input arrives already validated by the contract schema. */
export function createHandlers(ctx: CoreContext, batcher: EnqueueBatcher): Handlers {
  return {
    enqueue: (input) => enqueue(ctx, batcher, input),
    enqueueMany: (input) => enqueueMany(ctx, input.jobs),
    updateStatus: (input) => updateStatus(ctx, input),
    getJob: (input) => getJob(ctx, input.job_id, input.workspace_id),
    inspectJob: (input) => inspectJob(ctx, input.job_id, input.workspace_id),
    retry: (input) => retry(ctx, input.job_id, input.workspace_id, input.actor_id),
    listWorkspaces: () => listWorkspaces(ctx),
    listJobs: (input) => listJobs(ctx, input),
    getFlag: () => getFlag(ctx),
    setFlag: (input) => setFlag(ctx, input.value),
    connectionInfo: () => describeConnection(ctx.redis, durabilityPolicy(ctx.config)),
    metrics: (input) => readMetrics(ctx, input.window, input.workspace_id),
    metricsPrometheus: async () => ({ text: await prometheusText(ctx) }),
    audit: (input) => readAudit(ctx, input),
    divergenceCheck: (input, call) => divergenceCheck(ctx, input, call),
    repair: (input, call) => repair(ctx, input, call),
    divergenceReports: (input) => listReports(ctx, input.limit),
    divergenceReport: (input) => readReport(ctx, input.id),
    indexStep: (input) => indexStep(ctx, input.steps),
    overview: () => overview(ctx),
    findJob: (input) => findJob(ctx, input),
    queuePage: (input) => queuePage(ctx, input),
    removeFromQueue: (input) => removeFromQueue(ctx, input),
  };
}
