import type { Command } from 'commander';
import { contract, JOB_STATUSES, ID_PATTERN } from '../../../shared/contract';
import { NotFoundError, ValidationError } from '../../core/errors';
import { fieldList } from '../format/table';
import { jobRows, sideBySide, singleJob } from '../format/job';
import { workspacesText } from '../format/reports';
import { jsonFlag } from '../input';
import { numberFlag } from '../parse';
import type { CliSession } from '../session';
import { bulkExitCode, bulkText, enqueueNdjson } from './bulk';

/** enqueue, get, inspect, status, retry, workspaces, list: flag mapping and formatting only. */
export function addJobCommands(program: Command, session: CliSession): void {
  program
    .command('enqueue')
    .description(
      `${contract.enqueue.summary} With --ndjson: ${contract.enqueueMany.summary.toLowerCase()}`,
    )
    .option('--workspace <id>', 'workspace id (required without --ndjson)')
    .option('--provider <name>', 'action provider, e.g. google (required without --ndjson)')
    .option('--action <name>', 'action name, e.g. gmail.send (required without --ndjson)')
    .option(
      '--actor <user>',
      "the job's actor_id: whom the job acts for (required without --ndjson; the audit records the operator)",
    )
    .option('--params <json>', 'the action parameters, a JSON object, @file.json, or - for stdin')
    .option('--request-id <id>', 'client request id: a repeat with the same id is a duplicate')
    .option('--job-id <id>', 'the job id (generated, time-sortable, when omitted)')
    .option(
      '--ndjson <file>',
      'enqueue one job per line of this file (- for stdin); the flags above fill fields a line lacks',
    )
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      if (opts.ndjson !== undefined) return enqueueLines(session, opts);
      requireFlags(opts, ['workspace', 'provider', 'action', 'actor']);
      const out = await session.invoke(
        'enqueue',
        {
          workspace_id: opts.workspace,
          action_provider: opts.provider,
          action_name: opts.action,
          actor_id: opts.actor,
          params: await jsonFlag(session.io, '--params', 'params', opts.params),
          client_request_id: opts.requestId,
          job_id: opts.jobId,
        },
        { flags: { job_id: '--job-id' } },
      );
      session.output(out, () =>
        out.outcome === 'enqueued'
          ? `Enqueued job ${out.job_id} in workspace ${opts.workspace}.`
          : `Duplicate: request ${opts.requestId} was already enqueued as job ${out.job_id}; nothing new was written.`,
      );
    });

  program
    .command('get')
    .description(contract.getJob.summary)
    .argument('<JOB_ID>', 'job id')
    .option('--workspace <id>', 'workspace id (reads the new copy while dual-write is on)')
    .action(async (jobId: string, opts, cmd: Command) => {
      session.use(cmd);
      const found = await session.invoke('getJob', { job_id: jobId, workspace_id: opts.workspace });
      if (!found) throw notFound(jobId, opts.workspace);
      const ws = opts.workspace ?? found.job.workspace_id;
      // People want to see the other copy too; scripts get getJob's answer alone.
      const both =
        !session.json && ws && ID_PATTERN.test(ws)
          ? await session.invoke('inspectJob', { job_id: jobId, workspace_id: ws })
          : null;
      session.output(found, () => {
        const header = `Job ${jobId}, read from the ${found.source} schema.`;
        const body = both ? sideBySide(both.old, both.new, both.differences) : singleJob(found.job);
        return `${header}\n${body}`;
      });
    });

  program
    .command('inspect')
    .description(contract.inspectJob.summary)
    .argument('<JOB_ID>', 'job id')
    .requiredOption('--workspace <id>', 'workspace id of the new copy')
    .action(async (jobId: string, opts, cmd: Command) => {
      session.use(cmd);
      const out = await session.invoke('inspectJob', {
        job_id: jobId,
        workspace_id: opts.workspace,
      });
      if (!out.old && !out.new) throw notFound(jobId, opts.workspace);
      session.output(
        out,
        () =>
          `Job ${jobId}, workspace ${opts.workspace}.\n${sideBySide(out.old, out.new, out.differences)}`,
      );
    });

  program
    .command('status')
    .description(contract.updateStatus.summary)
    .argument('<JOB_ID>', 'job id')
    .argument('<STATUS>', `new status: ${JOB_STATUSES.join(', ')}`)
    .option('--workspace <id>', 'workspace id (required while dual-write is on)')
    .option('--result <json>', 'the result, a JSON object, @file.json, or - for stdin')
    .option('--force', 'override the transition rules (audited)')
    .option('--reason <text>', 'why, for the audit trail (with --force)')
    .option('--actor <user>', 'deprecated: the audit records the operator (QUEUESCOPE_OPERATOR)')
    .action(async (jobId: string, status: string, opts, cmd: Command) => {
      session.use(cmd);
      session.noteActorFlag(opts.actor);
      const job = await session.invoke('updateStatus', {
        job_id: jobId,
        status,
        workspace_id: opts.workspace,
        result: await jsonFlag(session.io, '--result', 'result', opts.result),
        force: opts.force === true ? true : undefined,
        reason: opts.reason,
        actor_id: opts.actor ?? session.defaultActor,
      });
      session.output(job, () => `Job ${jobId} is now ${job.status}.\n${singleJob(job)}`);
    });

  program
    .command('retry')
    .description(contract.retry.summary)
    .argument('<JOB_ID>', 'job id')
    .requiredOption('--workspace <id>', 'workspace id')
    .option(
      '--actor <user>',
      "written as the job's retried_by (default: the operator, QUEUESCOPE_OPERATOR or the OS user)",
    )
    .action(async (jobId: string, opts, cmd: Command) => {
      session.use(cmd);
      const job = await session.invoke('retry', {
        job_id: jobId,
        workspace_id: opts.workspace,
        actor_id: opts.actor ?? session.defaultActor,
      });
      session.output(
        job,
        () => `Job ${jobId} requeued (attempt ${job.attempts ?? 1}); it is ${job.status} again.`,
      );
    });

  program
    .command('workspaces')
    .description(contract.listWorkspaces.summary)
    .action(async (_opts, cmd: Command) => {
      session.use(cmd);
      let list = await session.invoke('listWorkspaces', {});
      // A big workspace not counted yet is being counted in the background: print its counts, not zeros.
      while (list.some((w) => w.counting)) {
        await new Promise((r) => setTimeout(r, 250));
        list = await session.invoke('listWorkspaces', {});
      }
      session.output(list, () => workspacesText(list));
    });

  program
    .command('list')
    .description(contract.listJobs.summary)
    .requiredOption('--workspace <id>', 'workspace id')
    .option(
      '--status <status>',
      `only jobs with this status in either schema: ${JOB_STATUSES.join(', ')}`,
    )
    .option('--action <text>', 'only jobs whose action contains this text (any case)')
    .option('--actor <text>', 'only jobs whose actor contains this text (any case)')
    .option('--limit <n>', 'rows per page (1–1000, default 100)')
    .option('--cursor <cursor>', 'continue where the previous page stopped')
    .action(async (opts, cmd: Command) => {
      session.use(cmd);
      const page = await session.invoke(
        'listJobs',
        {
          workspace_id: opts.workspace,
          status: opts.status,
          action: opts.action,
          actor: opts.actor,
          limit: numberFlag(opts.limit),
          cursor: opts.cursor,
        },
        { flags: { action: '--action', actor: '--actor' } },
      );
      session.output(page, () => {
        const filters = [
          opts.status ? ` --status ${opts.status}` : '',
          opts.action ? ` --action ${JSON.stringify(opts.action)}` : '',
          opts.actor ? ` --actor ${JSON.stringify(opts.actor)}` : '',
        ].join('');
        const next = `queuescope list --workspace ${opts.workspace}${filters} --cursor ${page.next_cursor}`;
        // A text filter searches a bounded part of the workspace per call (docs/triage.md).
        const searched: Array<[string, string]> =
          page.searched === undefined
            ? []
            : [['searched', `${page.searched} of ${page.total} (newest first)`]];
        if (page.rows.length === 0) {
          return page.next_cursor
            ? `No match among the newest ${page.searched ?? page.next_cursor} of ${page.total} jobs yet. Search on: ${next}`
            : `No jobs in workspace ${opts.workspace} match.`;
        }
        const more = page.next_cursor ? `Next page: ${next}` : 'End of list.';
        return `${jobRows(page.rows)}\n\n${fieldList([
          ['shown', String(page.rows.length)],
          ['in workspace', String(page.total)],
          ...searched,
        ])}\n${more}`;
      });
    });
}

/** enqueue --ndjson: the single-job flags are defaults for the lines; --params and ids are per line. */
async function enqueueLines(session: CliSession, opts: Record<string, string | undefined>) {
  for (const flag of ['params', 'requestId', 'jobId'] as const) {
    if (opts[flag] === undefined) continue;
    const name = `--${flag.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new ValidationError(
      `${name} belongs in each line of --ndjson input, not on the command line.`,
      { flag: name, usage: 'ndjson' },
    );
  }
  const summary = await enqueueNdjson(session, opts.ndjson!, {
    workspace_id: opts.workspace,
    action_provider: opts.provider,
    action_name: opts.action,
    actor_id: opts.actor,
  });
  session.output(summary, () => bulkText(summary));
  session.exitCode = bulkExitCode(summary);
}

/** Required flags of a single enqueue, checked by hand since --ndjson does without them. */
function requireFlags(opts: Record<string, unknown>, names: string[]): void {
  const missing = names.filter((name) => opts[name] === undefined);
  if (missing.length === 0) return;
  const flag = `--${missing[0]}`;
  throw new ValidationError(
    `required option '${flag}' not specified (or give --ndjson FILE to enqueue many jobs).`,
    { flag, usage: 'commander.missingMandatoryOptionValue' },
  );
}

function notFound(jobId: string, workspace: string | undefined): NotFoundError {
  return new NotFoundError(
    `Job ${jobId} was not found${workspace ? ` in workspace ${workspace} or the old schema` : ' in the old schema'}. Check the id${workspace ? '' : ', or pass --workspace to read the new copy'}.`,
    { job_id: jobId, ...(workspace ? { workspace_id: workspace } : {}) },
  );
}
