import { Command, CommanderError } from 'commander';
import type { ApiError } from '../../shared/contract';
import { contract, ERROR_SURFACES, exitCodeOf } from '../../shared/contract';
import { toApiError } from '../core/error-mapping';
import { addConnectionCommand } from './commands/connection';
import { addHostCommands } from './commands/host';
import { addJobCommands } from './commands/jobs';
import { addIndexCommand, addMigrationCommands } from './commands/migration';
import { addReportCommands } from './commands/reports';
import { addTelemetryCommands } from './commands/telemetry';
import { addTriageCommands } from './commands/triage';
import { writeError, type CliIo } from './io';
import { operationsHelp } from './operations';
import { addTlsOptions } from './tls-flags';
import { CliSession } from './session';

const USAGE_EXIT = ERROR_SURFACES.VALIDATION.exitCode;

/** The whole `queuescope` program, wired to one session. */
export function buildProgram(session: CliSession): Command {
  const program = new Command('queuescope')
    .description(
      'Inspect and operate the AI jobs Redis queue in both schemas during the migration.',
    )
    .option('--redis <url>', 'Redis URL (default: env REDIS_URL, else redis://127.0.0.1:6379)')
    .option(
      '--redis-password-file <path>',
      'read the Redis password from this file (else env QUEUESCOPE_REDIS_PASSWORD, else the URL)',
    )
    .option('--json', 'print one JSON document on stdout; errors as JSON on stderr')
    .option('--read-only', 'refuse every write before it reaches Redis')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => session.io.stdout.write(text),
      // With --json, stderr carries only the error document: no help text around it.
      writeErr: (text) => (session.json ? undefined : session.io.stderr.write(text)),
      // Usage errors are printed by run() in the one error shape; commander stays quiet.
      outputError: () => undefined,
    });
  addTlsOptions(program);
  addJobCommands(program, session);
  addConnectionCommand(program, session);
  addMigrationCommands(program, session);
  addIndexCommand(program, session);
  addReportCommands(program, session);
  addTelemetryCommands(program, session);
  addTriageCommands(program, session);
  addHostCommands(program, session);
  program.addHelpText('after', operationsHelp(contract));
  for (const command of allCommands(program)) {
    command.exitOverride().configureOutput(program.configureOutput());
  }
  return program;
}

function allCommands(command: Command): Command[] {
  return command.commands.flatMap((c) => [c, ...allCommands(c)]);
}

/**
 * Runs the command line with the given arguments (without `node` and the script) and returns the
 * exit code: 0 ok, 1 divergence found, else exitCodeOf(error) (6 for a write no replica confirmed).
 */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const session = new CliSession(io, argv);
  const program = buildProgram(session);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return session.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return usageError(error, session, io);
    const apiError = explain(toApiError(error), io);
    writeError(io, apiError, session.json);
    return exitCodeOf(apiError);
  } finally {
    await session.close().catch(() => undefined);
  }
}

function usageError(error: CommanderError, session: CliSession, io: CliIo): number {
  // --help, `help` and --version end here too, successfully.
  if (error.exitCode === 0) return 0;
  const message =
    error.code === 'commander.help'
      ? 'A command is required. See queuescope --help.'
      : `${error.message.replace(/^error: /, '').replace(/\.$/, '')}. See queuescope --help.`;
  writeError(io, { code: 'VALIDATION', message, details: { usage: error.code } }, session.json);
  return USAGE_EXIT;
}

function explain(error: ApiError, io: CliIo): ApiError {
  if (io.signal?.aborted && error.code === 'INTERNAL' && /abort/i.test(error.message)) {
    return {
      code: 'INTERNAL',
      message: 'Cancelled (Ctrl-C) before the operation finished; nothing further was done.',
    };
  }
  return error;
}
