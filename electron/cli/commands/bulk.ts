import {
  enqueueInput,
  exitCodeOf,
  MAX_BULK,
  type ApiError,
  type EnqueueManyItem,
} from '../../../shared/contract';
import { DEFAULT_CONFIG } from '../../core/context';
import { QueuescopeError, ValidationError } from '../../core/errors';
import { toApiError } from '../../core/error-mapping';
import { serializeJsonObject } from '../../core/jobs/prepare-job';
import { validate } from '../../core/validate';
import { readSource } from '../input';
import type { CliSession } from '../session';

/** Largest NDJSON file (or stdin) `enqueue --ndjson` reads; split bigger ones. */
export const MAX_NDJSON_BYTES = 256 * 1024 * 1024;
/** Bad lines a refusal lists before it says how many more there are. */
const LISTED_PROBLEMS = 10;

/** The flags of a single enqueue, which NDJSON lines that lack the field take as defaults. */
export interface JobDefaults {
  workspace_id?: string;
  action_provider?: string;
  action_name?: string;
  actor_id?: string;
}

export type LineResult = { line: number } & EnqueueManyItem;

export interface BulkSummary {
  results: LineResult[];
  enqueued: number;
  duplicate: number;
  failed: number;
}

interface Problem {
  line: number;
  message: string;
}

/** Each non-blank line as a job, or the problems of the lines that are not one. */
function parseLines(text: string, defaults: JobDefaults): { jobs: Array<[number, object]> } {
  const jobs: Array<[number, object]> = [];
  const problems: Problem[] = [];
  const seenIds = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    try {
      const value = JSON.parse(raw) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new ValidationError('a line must hold one JSON object (a job)');
      }
      const job = { ...stripUndefined(defaults), ...value };
      const parsed = validate(enqueueInput, job);
      serializeJsonObject('params', parsed.params, DEFAULT_CONFIG.maxJsonBytes);
      if (parsed.job_id !== undefined) {
        const first = seenIds.get(parsed.job_id);
        if (first !== undefined)
          throw new ValidationError(`job_id ${parsed.job_id} is already on line ${first}`);
        seenIds.set(parsed.job_id, line);
      }
      jobs.push([line, job]);
    } catch (error) {
      const message =
        error instanceof QueuescopeError
          ? error.message
          : `not JSON (${error instanceof Error ? error.message : String(error)})`;
      problems.push({ line, message });
    }
  });
  if (problems.length) throw refusal(problems);
  if (jobs.length === 0) {
    throw new ValidationError('--ndjson: the input holds no jobs (one JSON object per line).', {
      field: 'jobs',
      flag: '--ndjson',
    });
  }
  return { jobs };
}

function refusal(problems: Problem[]): ValidationError {
  const listed = problems.slice(0, LISTED_PROBLEMS).map((p) => `line ${p.line}: ${p.message}`);
  const more = problems.length - listed.length;
  return new ValidationError(
    `--ndjson: ${problems.length} line${problems.length === 1 ? '' : 's'} cannot be enqueued, so none was: ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}.`,
    { field: 'jobs', flag: '--ndjson', lines: problems.slice(0, 100) },
  );
}

function stripUndefined(o: JobDefaults): JobDefaults {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * `enqueue --ndjson FILE|-`: one job per line, flags as defaults for missing fields. Every line is
 * checked first (JSON, the contract's rules, the params size, a job_id twice), so a file with a bad
 * line writes nothing; then the jobs go in MAX_BULK at a time, each with its own outcome.
 */
export async function enqueueNdjson(
  session: CliSession,
  source: string,
  defaults: JobDefaults,
): Promise<BulkSummary> {
  // --ndjson takes a file name (@file works too) or - for stdin, never inline text.
  const named = source === '-' || source.startsWith('@') ? source : `@${source}`;
  const text = await readSource(session.io, '--ndjson', 'jobs', named, MAX_NDJSON_BYTES);
  const { jobs } = parseLines(text, defaults);
  const results: LineResult[] = [];
  for (let start = 0; start < jobs.length; start += MAX_BULK) {
    const batch = jobs.slice(start, start + MAX_BULK);
    let out: { results: EnqueueManyItem[] };
    try {
      out = await session.invoke('enqueueMany', { jobs: batch.map(([, job]) => job) });
    } catch (error) {
      throw stoppedAt(error, batch[0]![0], results);
    }
    out.results.forEach((item, i) => results.push({ line: batch[i]![0], ...lineItem(item) }));
  }
  const count = (outcome: string) => results.filter((r) => r.outcome === outcome).length;
  return {
    results,
    enqueued: count('enqueued'),
    duplicate: count('duplicate'),
    failed: count('error'),
  };
}

/** An item's error names its line, not its place in the batch sent. */
function lineItem(item: EnqueueManyItem): EnqueueManyItem {
  if (item.outcome !== 'error') return item;
  return {
    outcome: 'error',
    error: { ...item.error, message: item.error.message.replace(/^jobs\[\d+\]: /, '') },
  };
}

function stoppedAt(error: unknown, line: number, done: LineResult[]): QueuescopeError {
  const api = toApiError(error);
  const handled = done.length
    ? `Lines before ${line} were handled (${done.filter((r) => r.outcome === 'enqueued').length} enqueued).`
    : 'Nothing was enqueued before it.';
  return new QueuescopeError(
    api.code,
    `Stopped at line ${line}: ${api.message} ${handled} Lines with a client_request_id can be sent again safely; others would be enqueued twice.`,
    { ...api.details, line },
  );
}

/** The exit code of a bulk enqueue: 0 when every line went in (or was a duplicate), else the first error's. */
export function bulkExitCode(summary: BulkSummary): number {
  const first = summary.results.find((r) => r.outcome === 'error') as
    { outcome: 'error'; error: ApiError } | undefined;
  return first ? exitCodeOf(first.error) : 0;
}

export function bulkText(summary: BulkSummary): string {
  const lines = [
    `Enqueued ${summary.enqueued} job${summary.enqueued === 1 ? '' : 's'}, ${summary.duplicate} duplicate${summary.duplicate === 1 ? '' : 's'} (already enqueued for their request id), ${summary.failed} failed.`,
  ];
  for (const r of summary.results) {
    if (r.outcome === 'error') lines.push(`  line ${r.line}: ${r.error.code}: ${r.error.message}`);
  }
  return lines.join('\n');
}
