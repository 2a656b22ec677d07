import type { Command } from 'commander';
import { contract, METRIC_WINDOWS } from '../../../shared/contract';
import { ValidationError } from '../../core/errors';
import { writeLines } from '../io';
import { auditToCsv } from '../../../shared/csv';
import { auditText } from '../format/audit';
import { metricsText } from '../format/reports';
import { numberFlag } from '../parse';
import type { CliSession } from '../session';

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since 90m`, `1h`, `7d`, or a point in time (2026-01-31T12:00:00Z) as epoch ms. */
export function sinceFlag(text: string | undefined, now = Date.now()): number | undefined {
  if (text === undefined) return undefined;
  const span = /^(\d{1,7})([smhd])$/.exec(text.trim());
  if (span) return Math.max(0, now - Number(span[1]) * UNIT_MS[span[2] as keyof typeof UNIT_MS]);
  const at = /^\d{4}-\d\d-\d\d/.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isFinite(at) && at >= 0) return at;
  throw new ValidationError(
    `--since must be a span such as 15m, 1h or 7d, or a time such as 2026-01-31T12:00:00Z (got ${JSON.stringify(text)}).`,
    { field: 'since_ms', flag: '--since' },
  );
}

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

  program
    .command('audit')
    .description(contract.audit.summary)
    .option('--actor <name>', 'only this operator (exact)')
    .option('--operation <name>', 'only this operation, e.g. setFlag, retry, repair')
    .option('--since <span>', 'only from this long ago (15m, 1h, 7d) or this time (ISO-8601)')
    .option('--contains <text>', 'only entries containing this text (any case)')
    .option('--limit <n>', 'newest entries to show (1–10000, default 200)')
    .option('--csv', 'print CSV (as the console exports it), also under --json')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const entries = await session.invoke(
        'audit',
        {
          limit: numberFlag(opts.limit) ?? 200,
          contains: opts.contains,
          actor: opts.actor,
          operation: opts.operation,
          since_ms: sinceFlag(opts.since),
        },
        {
          flags: {
            contains: '--contains',
            operation: '--operation',
            actor: '--actor',
            since_ms: '--since',
          },
        },
      );
      if (opts.csv) {
        // CSV is data for a file; on a terminal its control characters are shown escaped.
        const csv = auditToCsv(entries);
        if (session.io.stdout.isTTY) writeLines(session.io.stdout, csv);
        else session.io.stdout.write(csv);
        return;
      }
      session.output(entries, () => auditText(entries));
    });
}
