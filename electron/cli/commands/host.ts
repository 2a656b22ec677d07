import type { Command } from 'commander';
import { ValidationError } from '../../core/errors';
import {
  assertDemoTarget,
  demoWorkspaces,
  seedDemo,
  startDemoWorker,
  type DemoWorkerStats,
  type SeedSummary,
} from '../../demo';
import { startMetricsServer, type MetricsServer } from '../../server/metrics-server';
import { serve } from '../../server/serve';
import { untilAborted, writeLines } from '../io';
import { topologyAtStart, topologyLine } from './connection';
import { numberFlag, parsePort } from '../parse';
import type { CliSession } from '../session';

/** serve (the web host) and demo (sample data and a worker): both run until Ctrl-C. */
export function addHostCommands(program: Command, session: CliSession): void {
  program
    .command('serve')
    .description('Serve the console and every operation over HTTP on 127.0.0.1 (token in the URL).')
    .option('--port <n>', 'port to listen on (default: a free one)')
    .option('--no-index', "do not file other producers' jobs into the indexes in the background")
    .option('--metrics-port <n>', 'also serve Prometheus metrics at http://127.0.0.1:N/metrics')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const port = parsePort(opts.port);
      const metricsPort = parsePort(opts.metricsPort, '--metrics-port');
      const topology = await topologyAtStart(session);
      const host = await serve({
        // The core the topology was read through: it carries the TLS settings too.
        core: session.core(),
        redisUrl: session.redisUrl,
        ...(session.redisPassword === undefined ? {} : { redisPassword: session.redisPassword }),
        readOnly: session.readOnly,
        ...(opts.index === false ? { indexer: false as const } : {}),
        ...(port === undefined ? {} : { port }),
      });
      const metrics = await startMetrics(session, metricsPort, () => host.close());
      session.output(
        { url: host.url, ...(metrics ? { metrics_url: metrics.url } : {}), topology },
        () =>
          `Queuescope console: ${host.url}\n${metrics ? `Prometheus metrics: ${metrics.url}\n` : ''}${topologyLine(topology)}\nCtrl-C to stop.`,
      );
      await untilAborted(session.io.signal);
      await Promise.all([host.close(), metrics?.close()]);
    });

  program
    .command('demo')
    .description('Fill Redis with sample workspaces and jobs, then run a worker until Ctrl-C.')
    .option('--workspaces <n>', 'how many sample workspaces (1–8)', '4')
    .option('--rate <r>', 'new jobs per second while the worker runs', '2')
    .option('--once', 'seed and exit, without the worker')
    .option('--seed <n>', 'repeatable random choices')
    .option('--force', 'fill a Redis that already holds other jobs')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const workspaces = demoWorkspaces(Number(numberFlag(opts.workspaces)));
      const rate = Number(opts.rate);
      if (!Number.isFinite(rate) || rate < 0 || rate > 1000) {
        throw new ValidationError(
          `--rate must be a number of jobs per second from 0 to 1000 (got ${JSON.stringify(opts.rate)}).`,
          {
            field: 'rate',
            flag: '--rate',
          },
        );
      }
      const seed = opts.seed === undefined ? undefined : Number(numberFlag(opts.seed));
      const core = session.core();
      if (!opts.force) await assertDemoTarget(core);
      const summary = await seedDemo(core, {
        workspaces: workspaces.length,
        ...(seed === undefined || Number.isNaN(seed) ? {} : { seed }),
      });
      if (opts.once) return session.output(summary, () => seedText(summary));
      if (!session.json)
        writeLines(
          session.io.stdout,
          `${seedText(summary)}\nWorker running, ${rate} new jobs/s. Ctrl-C to stop.`,
        );
      let lastError = 0;
      const worker = startDemoWorker(core, {
        rate,
        workspaces,
        onError: (error) => {
          // One line every few seconds at most: a Redis outage would otherwise flood the terminal.
          if (Date.now() - lastError < 5000) return;
          lastError = Date.now();
          session.io.stderr.write(
            `worker: ${error instanceof Error ? error.message : String(error)}\n`,
          );
        },
      });
      // A line now and then shows the worker is alive without flooding the terminal.
      const heartbeat = session.json
        ? null
        : setInterval(
            () => writeLines(session.io.stdout, `worker: ${statsText(worker.stats)}`),
            15_000,
          );
      await untilAborted(session.io.signal);
      if (heartbeat) clearInterval(heartbeat);
      await worker.stop();
      session.output(
        { seed: summary, worker: worker.stats },
        () => `Worker stopped: ${statsText(worker.stats)}.`,
      );
    });
}

/** The scrape endpoint of --metrics-port (docs/architecture.md, "Metrics endpoint"), or null. */
async function startMetrics(
  session: CliSession,
  port: number | undefined,
  closeHost: () => Promise<void>,
): Promise<MetricsServer | null> {
  if (port === undefined) return null;
  try {
    return await startMetricsServer({ core: () => session.core(), port });
  } catch (error) {
    await closeHost();
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    throw new ValidationError(
      `--metrics-port ${port} is in use on 127.0.0.1: choose another port, or 0 for a free one.`,
      { field: 'metrics_port', flag: '--metrics-port' },
    );
  }
}

function seedText(s: SeedSummary): string {
  return [
    `Demo data in ${s.workspaces.join(', ')}:`,
    `  ${s.old_only.length} jobs written before dual-write was on (old schema only)`,
    `  ${s.dual_written.length} jobs dual-written after the flag was turned on (audited as demo)`,
    `  ${s.failed.length} failed jobs, ${s.retried.length} retried, ${s.failed_dual_writes} failed dual writes`,
    `  ${s.divergent.length} deliberately divergent:`,
    ...s.divergent.map((d) => `    ${d.kind.padEnd(18)} ${d.workspace_id}/${d.job_id}`),
  ].join('\n');
}

function statsText(s: DemoWorkerStats): string {
  return `${s.enqueued} enqueued, ${s.started} started, ${s.completed} completed, ${s.failed} failed`;
}
