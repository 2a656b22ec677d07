import { Argument, type Command } from 'commander';
import { contract, exitCodeOf, type DivergenceReport } from '../../../shared/contract';
import { InternalError } from '../../core/errors';
import { divergenceText, divergentCount, repairText } from '../format/reports';
import type { CliSession } from '../session';

/** Exit code of `divergence` when the check found divergent jobs (README, "Command line"). */
export const EXIT_DIVERGED = 1;

/** flags get/set, divergence, repair. */
export function addMigrationCommands(program: Command, session: CliSession): void {
  const flags = program
    .command('flags')
    .description('The migration flag (dual-write to the new schema).');
  flags
    .command('get')
    .description(contract.getFlag.summary)
    .action(async (_opts, cmd: Command) => {
      session.use(cmd);
      const state = await session.invoke('getFlag', {});
      session.output(
        state,
        () =>
          `new-schema: ${state.new_schema} (${state.source === 'redis' ? 'set in Redis' : 'ai:flags:new_schema is absent; from AI_JOBS_NEW_SCHEMA'})`,
      );
    });
  flags
    .command('set')
    .description(contract.setFlag.summary)
    .addArgument(new Argument('<FLAG>', 'the flag to set').choices(['new-schema']))
    .addArgument(new Argument('<VALUE>', 'on or off'))
    .option('--actor <user>', 'deprecated: the audit records the operator (QUEUESCOPE_OPERATOR)')
    .action(async (_flag: string, value: string, opts, cmd: Command) => {
      session.use(cmd);
      session.noteActorFlag(opts.actor);
      const state = await session.invoke('setFlag', {
        value,
        actor_id: opts.actor ?? session.defaultActor,
      });
      session.output(
        state,
        () =>
          `new-schema is now ${state.new_schema}: ${state.new_schema === 'on' ? 'every enqueue writes both schemas' : 'enqueues write the old schema only'} (audited as ${session.operator}).`,
      );
    });

  program
    .command('divergence')
    .description(`${contract.divergenceCheck.summary} Exit 0 in sync, 1 diverged.`)
    .option('--workspace <id>', 'check one workspace only (walks every key, keeps its own)')
    .option(
      '--resume [id]',
      'continue an interrupted check from its checkpoint (default: the latest of its scope)',
    )
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const resume = opts.resume as string | boolean | undefined;
      const report = await session.invoke(
        'divergenceCheck',
        {
          workspace_id: opts.workspace,
          ...(resume ? { resume: true } : {}),
          ...(typeof resume === 'string' ? { report_id: resume } : {}),
        },
        { progress: true },
      );
      throwUnlessFinished(report);
      session.output(report, () => divergenceText(report));
      session.exitCode = divergentCount(report) > 0 ? EXIT_DIVERGED : 0;
    });

  program
    .command('repair')
    .description(contract.repair.summary)
    .option('--workspace <id>', 'repair one workspace only')
    .option('--dry-run', 'print the plan and write nothing')
    .option('--backfill', 'only copy old-only jobs to the new schema')
    .option('--actor <user>', 'deprecated: the audit records the operator (QUEUESCOPE_OPERATOR)')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      session.noteActorFlag(opts.actor);
      const result = await session.invoke(
        'repair',
        {
          workspace_id: opts.workspace,
          dry_run: opts.dryRun === true,
          backfill: opts.backfill === true,
          actor_id: opts.actor ?? session.defaultActor,
        },
        { progress: true },
      );
      session.output(result, () => repairText(result));
      // A repair that stopped midway failed as its error did; the fixes it applied are kept.
      if (result.stopped) session.exitCode = exitCodeOf(result.stopped.error);
    });
}

/** index: file jobs other producers wrote into the workspace indexes, a bounded step at a time. */
export function addIndexCommand(program: Command, session: CliSession): void {
  program
    .command('index')
    .description(
      `${contract.indexStep.summary} A running console host does this by itself; run it from cron when none runs, or with --pass for a whole pass.`,
    )
    .option('--steps <n>', 'SCAN steps of 1000 keys to take', '4')
    .option('--pass', 'keep stepping until a whole pass over the keyspace is done')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const steps = Number(opts.steps);
      const total = { scanned: 0, indexed: 0, pass_complete: false };
      do {
        const step = await session.invoke('indexStep', { steps });
        total.scanned += step.scanned;
        total.indexed += step.indexed;
        total.pass_complete = step.pass_complete;
      } while (opts.pass === true && !total.pass_complete);
      session.output(
        total,
        () =>
          `looked at ${total.scanned} keys, indexed ${total.indexed} jobs${total.pass_complete ? '; the pass over the keyspace is complete' : '; run again to continue the pass'}`,
      );
    });
}

function throwUnlessFinished(report: DivergenceReport): void {
  if (report.state === 'completed') return;
  const where = `after ${report.scanned}${report.estimated_total ? ` of ~${report.estimated_total}` : ''} jobs`;
  throw new InternalError(
    report.state === 'cancelled'
      ? `The divergence check was cancelled ${where}; nothing can be concluded. Continue it with \`queuescope divergence --resume ${report.id}\`.`
      : `The divergence check failed ${where}. Continue it with \`queuescope divergence --resume ${report.id}\`; if it keeps failing, check the Redis logs.`,
    { report_id: report.id, state: report.state },
  );
}
