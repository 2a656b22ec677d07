import type { Command } from 'commander';
import { contract, METRIC_WINDOWS } from '../../../shared/contract';
import { writeLines } from '../io';
import { metricsText } from '../format/reports';
import type { CliSession } from '../session';

export function addTelemetryCommands(program: Command, session: CliSession): void {
  program
    .command('metrics')
    .description(contract.metrics.summary)
    .option('--workspace <id>', 'one workspace only')
    .option('--since <window>', `time window: ${METRIC_WINDOWS.join(', ')}`, '1h')
    .option(
      '--prom',
      `Prometheus text instead (${contract.metricsPrometheus.summary.toLowerCase()})`,
    )
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      if (opts.prom) {
        // With --prom the output is Prometheus text, also under --json (README, "Command line").
        const { text } = await session.invoke('metricsPrometheus', {});
        writeLines(session.io.stdout, text);
        return;
      }
      const report = await session.invoke('metrics', {
        window: opts.since,
        workspace_id: opts.workspace,
      });
      session.output(report, () => metricsText(report));
    });
}
