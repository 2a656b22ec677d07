import type { Cluster } from 'ioredis';
import { listJobs, listWorkspaces, readRows } from '../../jobs/list';
import { indexStep } from '../../migration/indexer';
import { readAudit } from '../../telemetry/audit';
import { prometheusText, readMetrics } from '../../telemetry/metrics';
import { findJob } from '../../triage/find-job';
import { overview } from '../../triage/overview';
import { queuePage } from '../../triage/queue';
import { markInFlight } from '../in-flight';
import { readerContext } from '../reader';
import type { ClusterServed } from './types';

/**
 * Reads, listings and the indexer's step over every master (docs/topologies.md "Redis Cluster"):
 * the single-server code over the cluster reader (reader.ts), whose pipelines go out per master,
 * whose SCAN walks every master and whose index scripts answer from per-key reads.
 */
export const READS_SERVED: ClusterServed = {
  operations: [
    'listWorkspaces',
    'listJobs',
    'metrics',
    'metricsPrometheus',
    'audit',
    'overview',
    'findJob',
    'queuePage',
    'indexStep',
  ],
  handlers: ({ ctx }) => {
    const reader = readerContext(ctx);
    return {
      listWorkspaces: () => listWorkspaces(reader),
      listJobs: async (input) => {
        const page = await listJobs(reader, input);
        await markInFlight(ctx.redis as unknown as Cluster, page.rows, (ids) =>
          readRows(reader, input.workspace_id, ids),
        );
        return page;
      },
      metrics: (input) => readMetrics(reader, input.window, input.workspace_id),
      metricsPrometheus: async () => ({ text: await prometheusText(reader) }),
      audit: (input) => readAudit(reader, input),
      overview: () => overview(reader),
      findJob: (input) => findJob(reader, input),
      queuePage: (input) => queuePage(reader, input),
      // The index filing walks every master; file-jobs.lua runs one slot per call.
      indexStep: (input) => indexStep(reader, input.steps),
    };
  },
};
