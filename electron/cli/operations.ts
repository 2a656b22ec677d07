import type { CoreOperationName } from '../../shared/contract';

/**
 * The command that runs each operation of the contract, with an example of it: the type makes an
 * operation without a command a compile error, `queuescope --help` lists them, and a test runs
 * every example and checks it calls its operation. The desktop app's connection profiles have no
 * command: the CLI serves the one Redis it is given.
 */
export const CLI_COMMANDS: { [K in CoreOperationName]: { command: string; example: string[] } } = {
  enqueue: {
    command: 'enqueue',
    example: [
      'enqueue',
      '--workspace',
      'acme',
      '--provider',
      'slack',
      '--action',
      'chat.post',
      '--actor',
      'u1',
    ],
  },
  enqueueMany: { command: 'enqueue --ndjson', example: ['enqueue', '--ndjson', '-'] },
  updateStatus: { command: 'status', example: ['status', 'job-1', 'running'] },
  getJob: { command: 'get', example: ['get', 'job-1'] },
  inspectJob: { command: 'inspect', example: ['inspect', 'job-1', '--workspace', 'acme'] },
  retry: { command: 'retry', example: ['retry', 'job-1', '--workspace', 'acme'] },
  listWorkspaces: { command: 'workspaces', example: ['workspaces'] },
  listJobs: { command: 'list', example: ['list', '--workspace', 'acme'] },
  getFlag: { command: 'flags get', example: ['flags', 'get'] },
  setFlag: { command: 'flags set', example: ['flags', 'set', 'new-schema', 'off'] },
  indexStep: { command: 'index', example: ['index'] },
  divergenceCheck: { command: 'divergence', example: ['divergence'] },
  repair: { command: 'repair', example: ['repair', '--dry-run'] },
  divergenceReports: { command: 'reports', example: ['reports'] },
  divergenceReport: { command: 'report', example: ['report', 'r-1'] },
  metrics: { command: 'metrics', example: ['metrics'] },
  metricsPrometheus: { command: 'metrics --prom', example: ['metrics', '--prom'] },
  audit: { command: 'audit', example: ['audit', '--since', '1h'] },
  overview: { command: 'overview', example: ['overview'] },
  findJob: { command: 'find', example: ['find', 'job-1'] },
  queuePage: { command: 'queue', example: ['queue'] },
  connectionInfo: { command: 'topology', example: ['topology'] },
  removeFromQueue: { command: 'unqueue', example: ['unqueue', 'job-1', '--reason', 'stuck'] },
};

/** The help text that maps every operation to its command. */
export function operationsHelp(summaries: Record<string, { summary: string }>): string {
  const rows = Object.entries(CLI_COMMANDS).map(
    ([op, { command }]) => `  ${command.padEnd(18)} ${op}: ${summaries[op]?.summary ?? ''}`,
  );
  return `\nEvery operation of the contract, and its command:\n${rows.join('\n')}\n`;
}
