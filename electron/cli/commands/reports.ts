import type { Command } from 'commander';
import { contract } from '../../../shared/contract';
import { NotFoundError } from '../../core/errors';
import { reportsText } from '../format/audit';
import { divergenceText } from '../format/reports';
import { numberFlag } from '../parse';
import type { CliSession } from '../session';

/** reports, report ID: the divergence reports kept in Redis (the console's trend and results). */
export function addReportCommands(program: Command, session: CliSession): void {
  program
    .command('reports')
    .description(contract.divergenceReports.summary)
    .option('--limit <n>', 'newest reports to list (1–500, default 50)')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const reports = await session.invoke('divergenceReports', {
        limit: numberFlag(opts.limit) ?? 50,
      });
      session.output(reports, () => reportsText(reports));
    });

  program
    .command('report')
    .description(contract.divergenceReport.summary)
    .argument('<ID>', 'report id, as `queuescope reports` lists them')
    .action(async (id: string, _opts, cmd: Command) => {
      session.use(cmd);
      const report = await session.invoke('divergenceReport', { id }, { flags: { id: 'ID' } });
      if (!report) {
        throw new NotFoundError(
          `No divergence report ${id} is kept (the last 50 are). List them with \`queuescope reports\`.`,
          { report_id: id },
        );
      }
      session.output(report, () => divergenceText(report));
    });
}
