import type { Command } from 'commander';
import { contract, type FindJobResult } from '../../../shared/contract';
import { NotFoundError } from '../../core/errors';
import { findText, overviewText, queueText } from '../format/triage';
import { numberFlag } from '../parse';
import type { CliSession } from '../session';

/** overview, find, queue, unqueue (docs/triage.md): flag mapping and formatting only. */
export function addTriageCommands(program: Command, session: CliSession): void {
  program
    .command('overview')
    .description(contract.overview.summary)
    .action(async (_opts, cmd: Command) => {
      session.use(cmd);
      const out = await session.invoke('overview', {});
      session.output(out, () => overviewText(out));
    });

  program
    .command('find')
    .description(contract.findJob.summary)
    .argument('<ID>', 'a job id, a unique part of one, or a job key')
    .option('--limit <n>', 'matches to list at most (1–100, default 20)')
    .action(async (query: string, opts, cmd: Command) => {
      session.use(cmd);
      // The console answers in steps; a script wants the whole answer, so the steps go on here.
      let cursor: string | null = null;
      let result: FindJobResult;
      do {
        result = await session.invoke(
          'findJob',
          { query, limit: numberFlag(opts.limit), ...(cursor ? { cursor } : {}) },
          { flags: { query: 'ID' } },
        );
        cursor = result.cursor;
        if (!session.json && session.io.stderr.isTTY && cursor) {
          session.io.stderr.write(`\rsearched about ${result.scanned} of ${result.keyspace} keys…`);
        }
      } while (cursor && !session.io.signal?.aborted);
      if (session.io.stderr.isTTY && !session.json) session.io.stderr.write('\r\x1b[K');
      const found = result;
      if (found.matches.length === 0) {
        throw new NotFoundError(`No job id contains "${query}": every key was searched.`, {
          query,
          scanned: found.scanned,
        });
      }
      session.output(found, () => findText(found));
    });

  program
    .command('queue')
    .description(contract.queuePage.summary)
    .option('--offset <n>', 'first position to show, 0 = the head (default 0)')
    .option('--limit <n>', 'entries to show (1–500, default 50)')
    .option('--job <id>', 'also say where this job is in the queue')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const page = await session.invoke(
        'queuePage',
        {
          offset: numberFlag(opts.offset) ?? 0,
          limit: numberFlag(opts.limit) ?? 50,
          ...(opts.job ? { job_id: opts.job } : {}),
        },
        { flags: { offset: '--offset', job_id: '--job' } },
      );
      session.output(page, () => queueText(page));
    });

  program
    .command('unqueue')
    .description(contract.removeFromQueue.summary)
    .argument('<JOB_ID>', 'the job id to take out of ai:queue:pending')
    .requiredOption('--reason <text>', 'why (recorded in the job and the audit trail)')
    .option('--workspace <id>', "the job's workspace (default: its old copy's)")
    .option('--actor <user>', 'deprecated: the audit records the operator (QUEUESCOPE_OPERATOR)')
    .action(async (jobId: string, opts, cmd: Command) => {
      session.use(cmd);
      session.noteActorFlag(opts.actor);
      const actor = opts.actor ?? session.defaultActor;
      const out = await session.invoke('removeFromQueue', {
        job_id: jobId,
        workspace_id: opts.workspace,
        reason: opts.reason,
        actor_id: actor,
      });
      session.output(out, () => {
        const status =
          out.status_before === 'pending'
            ? ' It was pending and is now failed, with the reason as its result; `queuescope retry` queues it again.'
            : out.status_before
              ? ` Its status (${out.status_before}) is unchanged.`
              : ' No copy of the job exists.';
        return `Removed ${out.removed} queue entr${out.removed === 1 ? 'y' : 'ies'} of ${jobId}.${status}`;
      });
    });
}
