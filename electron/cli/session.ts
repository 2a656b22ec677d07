import { userInfo } from 'node:os';
import type { Command } from 'commander';
import type { Contract, CoreOperationName, OutputOf } from '../../shared/contract';
import { flagFromEnv } from '../core/context';
import { QueueCore } from '../core/core';
import { QueuescopeError, ValidationError } from '../core/errors';
import { durabilityFromEnv } from '../core/redis/durability';
import { printable } from './format/printable';
import { writeJson, writeLines, type CliIo } from './io';
import { parseRedisUrl, readPasswordFile } from './parse';
import { startProgress } from './progress';
import { TLS_FLAG_OF_FIELD, tlsConnection, type TlsFlags } from './tls-flags';

export interface GlobalOptions extends TlsFlags {
  redis?: string;
  redisPasswordFile?: string;
  json?: boolean;
  readOnly?: boolean;
}

/** Contract input fields and the flags that set them, so a validation error names what the user typed. */
const FLAG_OF_FIELD: Record<string, string> = {
  workspace_id: '--workspace',
  action_provider: '--provider',
  action_name: '--action',
  actor_id: '--actor',
  params: '--params',
  result: '--result',
  client_request_id: '--request-id',
  job_id: 'JOB_ID',
  status: 'STATUS',
  limit: '--limit',
  cursor: '--cursor',
  window: '--since',
  value: 'on|off',
  reason: '--reason',
  ...TLS_FLAG_OF_FIELD,
};

export interface InvokeOptions {
  /**
   * @deprecated Ignored: a write is audited as the operator (QUEUESCOPE_OPERATOR, else the OS
   * user), never as a name a command passes along (docs/doors.md "The audit's actor").
   */
  actor?: string;
  /** Overrides of FLAG_OF_FIELD for this command (e.g. job_id set by --job-id). */
  flags?: Record<string, string>;
  /** Draw a progress bar on a terminal while the operation reports progress. */
  progress?: boolean;
}

/** One run of the command line: its global options, its (lazily connected) core, its exit code. */
export class CliSession {
  exitCode = 0;
  private globals: GlobalOptions;
  private coreInstance: QueueCore | null = null;

  constructor(
    readonly io: CliIo,
    argv: readonly string[],
  ) {
    // Known before commander has parsed anything, so usage errors honour --json too.
    this.globals = { json: argv.includes('--json') };
  }

  /** Called first by every action with its commander command, to pick up the global options. */
  use(command: Command): this {
    this.globals = command.optsWithGlobals<GlobalOptions>();
    return this;
  }

  get json(): boolean {
    return this.globals.json === true;
  }

  get readOnly(): boolean {
    return this.globals.readOnly === true;
  }

  get redisUrl(): string {
    return parseRedisUrl(this.globals.redis ?? this.io.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  }

  /**
   * The Redis password, kept out of the URL and the command line (docs/desktop.md "Secrets"):
   * --redis-password-file, else QUEUESCOPE_REDIS_PASSWORD, else whatever the URL itself holds.
   */
  get redisPassword(): string | undefined {
    if (this.globals.redisPasswordFile !== undefined) {
      return readPasswordFile(this.globals.redisPasswordFile);
    }
    return this.io.env.QUEUESCOPE_REDIS_PASSWORD || undefined;
  }

  /**
   * The person operating Queuescope from this shell, whom every write is audited as
   * (docs/doors.md "The audit's actor"): QUEUESCOPE_OPERATOR, else the OS user.
   */
  get operator(): string {
    const declared = this.io.env.QUEUESCOPE_OPERATOR?.trim();
    if (declared) return declared;
    try {
      return userInfo().username || 'cli';
    } catch {
      return 'cli';
    }
  }

  /** The name written into a job's actor_id or retried_by when the command takes no --actor. */
  get defaultActor(): string {
    return this.operator;
  }

  /**
   * `--actor` on a command whose audit used to follow it (flags set, status, repair): it no longer
   * does, and a script that relies on it is told once, on stderr, outside --json.
   */
  noteActorFlag(given: string | undefined): void {
    if (given === undefined || given === this.operator || this.json) return;
    this.io.stderr.write(
      `note: --actor no longer names who is audited; this write is recorded as ${printable(this.operator)} (set QUEUESCOPE_OPERATOR to change it).\n`,
    );
  }

  core(): QueueCore {
    if (!this.coreInstance) {
      this.coreInstance = new QueueCore({
        connection: {
          url: this.redisUrl,
          ...optional('password', this.redisPassword),
          ...tlsConnection(this.globals, this.redisUrl),
        },
        readOnly: this.readOnly,
        defaultFlag: flagFromEnv(this.io.env.AI_JOBS_NEW_SCHEMA),
        ...durabilityFromEnv(this.io.env),
      });
      // Connection failures surface as the failing command's error; the event itself is noise here.
      this.coreInstance.redis.on('error', () => undefined);
    }
    return this.coreInstance;
  }

  /** Calls one contract operation through the core, the way every other door does. */
  async invoke<K extends CoreOperationName>(
    op: K,
    input: unknown,
    options: InvokeOptions = {},
  ): Promise<OutputOf<Contract[K]>> {
    const progress =
      options.progress && !this.json && this.io.stderr.isTTY ? startProgress(this.io.stderr) : null;
    try {
      return await this.core().invoke(op, input, {
        actor: this.operator,
        ...(this.io.signal ? { signal: this.io.signal } : {}),
        ...(progress ? { onProgress: progress.update } : {}),
      });
    } catch (error) {
      throw nameTheFlag(error, { ...FLAG_OF_FIELD, ...options.flags });
    } finally {
      progress?.stop();
    }
  }

  /** Prints a command's result: the value as JSON with --json, else the human text. */
  output(value: unknown, human: () => string): void {
    if (this.json) writeJson(this.io, value);
    else writeLines(this.io.stdout, human());
  }

  async close(): Promise<void> {
    const core = this.coreInstance;
    this.coreInstance = null;
    if (core) await core.close();
  }
}

function nameTheFlag(error: unknown, flags: Record<string, string>): unknown {
  if (!(error instanceof QueuescopeError) || error.code !== 'VALIDATION') return error;
  const field = typeof error.details?.field === 'string' ? error.details.field : '';
  const flag = flags[field.split('.')[0] ?? ''];
  if (!flag || error.details?.flag) return error;
  return new ValidationError(`${flag}: ${error.message}`, { ...error.details, flag });
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
