import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { OPERATION_NAMES, PROFILE_OPERATION_NAMES } from '../../shared/contract';
import type { CliIo } from '../../electron/cli/io';
import { CLI_COMMANDS } from '../../electron/cli/operations';
import { buildProgram, run } from '../../electron/cli/run';
import { CliSession } from '../../electron/cli/session';
import { allKeys } from '../helpers/redis-snapshot';
import { useRedis } from '../helpers/core';

const env = useRedis();
const dir = mkdtempSync(join(tmpdir(), 'queuescope-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io(stdin?: string): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { REDIS_URL: env.server.url, QUEUESCOPE_OPERATOR: 'ops-kim' },
    ...(stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(stdin)]) }),
    out: () => out,
    err: () => err,
  };
}

async function cli(argv: string[], stdin?: string) {
  const streams = io(stdin);
  const code = await run(argv, streams);
  return { code, out: streams.out(), err: streams.err(), json: () => JSON.parse(streams.out()) };
}

/** A session that notes every operation its commands call, and still runs them. */
class RecordingSession extends CliSession {
  readonly called: string[] = [];
  override invoke(...args: Parameters<CliSession['invoke']>): ReturnType<CliSession['invoke']> {
    this.called.push(args[0]);
    return super.invoke(...args);
  }
}

function commandPath(program: Command, words: string[]): Command | undefined {
  let at: Command | undefined = program;
  for (const word of words) at = at?.commands.find((c) => c.name() === word);
  return at;
}

const job = (id: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ job_id: id, action_provider: 'slack', action_name: 'chat.post', ...extra });

describe('a command for every operation (docs/doors.md "Command line")', () => {
  const coreOperations = OPERATION_NAMES.filter(
    (op) => !(PROFILE_OPERATION_NAMES as readonly string[]).includes(op),
  );

  it('names a command for exactly the operations the core answers', () => {
    expect(Object.keys(CLI_COMMANDS).sort()).toEqual([...coreOperations].sort());
  });

  it.each(coreOperations)('%s: its example runs the command, which calls it', async (op) => {
    const { command, example } = CLI_COMMANDS[op as keyof typeof CLI_COMMANDS];
    const streams = io(`${job('ndjson-1', { workspace_id: 'acme', actor_id: 'u1' })}\n`);
    const session = new RecordingSession(streams, example);
    const program = buildProgram(session);
    expect(
      commandPath(
        program,
        command.split(' ').filter((w) => !w.startsWith('-')),
      ),
    ).toBeDefined();
    try {
      await program.parseAsync(example, { from: 'user' });
    } catch {
      // A missing job or report is an answer too: the operation was called.
    } finally {
      await session.close();
    }
    expect(session.called).toContain(op);
  });

  it('lists every operation and its command in --help', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const op of coreOperations) expect(help.out).toContain(`${op}:`);
  });
});

describe('enqueue --ndjson', () => {
  it('enqueues every line, flags filling what a line lacks, and reports each line', async () => {
    const lines = [
      job('nd-1', { params: { to: 'a' } }),
      '',
      job('nd-2', { client_request_id: 'req-2' }),
      job('nd-3', { workspace_id: 'globex' }),
    ].join('\n');
    const r = await cli(
      ['--json', 'enqueue', '--ndjson', '-', '--workspace', 'acme', '--actor', 'u_li'],
      lines,
    );
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ enqueued: 3, duplicate: 0, failed: 0 });
    expect(r.json().results.map((x: { line: number }) => x.line)).toEqual([1, 3, 4]);
    expect(await env.redis.hget('ai:jobs:nd-1', 'workspace_id')).toBe('acme');
    expect(await env.redis.hget('ai:jobs:nd-3', 'workspace_id')).toBe('globex');
    expect(await env.redis.hget('ai:jobs:nd-2', 'actor_id')).toBe('u_li');
    const [, entry] = (await env.redis.xrevrange('ai:qs:audit', '+', '-'))[0]!;
    expect(entry).toEqual(expect.arrayContaining(['actor', 'ops-kim', 'operation', 'enqueueMany']));

    const again = await cli(
      ['enqueue', '--ndjson', '-', '--workspace', 'acme', '--actor', 'u'],
      lines,
    );
    expect(again.code).toBe(3);
    expect(again.out).toContain('Enqueued 0 jobs, 1 duplicate');
    expect(again.out).toMatch(/line 1: CONFLICT/);
    expect(again.out).not.toContain('jobs[');
  });

  it('refuses the whole input when one line is bad, and writes nothing', async () => {
    const path = join(dir, 'bad.ndjson');
    writeFileSync(
      path,
      [
        job('ok-1'),
        '{"job_id": ',
        job('ok-2', { workspace_id: 'a:b' }),
        job('ok-1'),
        '[1]',
        job('big', { params: { blob: 'x'.repeat(1024 * 1024) } }),
      ].join('\n'),
    );
    const r = await cli([
      '--json',
      'enqueue',
      '--ndjson',
      path,
      '--workspace',
      'acme',
      '--actor',
      'u',
    ]);
    expect(r.code).toBe(2);
    const error = JSON.parse(r.err);
    expect(error).toMatchObject({ code: 'VALIDATION', details: { flag: '--ndjson' } });
    expect(error.details.lines.map((l: { line: number }) => l.line)).toEqual([2, 3, 4, 5, 6]);
    expect(error.message).toContain('line 4: job_id ok-1 is already on line 1');
    expect(error.message).toContain('line 6: params is');
    expect(await allKeys(env.redis)).toEqual([]);
    const missing = await cli(['enqueue', '--ndjson', join(dir, 'nope.ndjson')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
    const empty = await cli(['enqueue', '--ndjson', '-'], '\n\n');
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('holds no jobs');
  });
});

describe('--params from a file or stdin', () => {
  it('reads @file and -, and names the flag when the file cannot be read', async () => {
    const path = join(dir, 'params.json');
    writeFileSync(path, JSON.stringify({ to: 'file@example.com' }, null, 2));
    const base = [
      'enqueue',
      '--workspace',
      'acme',
      '--provider',
      'p',
      '--action',
      'a',
      '--actor',
      'u',
    ];
    expect((await cli([...base, '--job-id', 'pf-1', '--params', `@${path}`])).code).toBe(0);
    expect(await env.redis.hget('ai:jobs:pf-1', 'params')).toBe('{"to":"file@example.com"}');
    expect((await cli([...base, '--job-id', 'pf-2', '--params', '-'], '{"to":"stdin"}')).code).toBe(
      0,
    );
    expect(await env.redis.hget('ai:jobs:pf-2', 'params')).toBe('{"to":"stdin"}');
    const missing = await cli(['--json', ...base, '--params', `@${join(dir, 'nope.json')}`]);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.err)).toMatchObject({
      code: 'VALIDATION',
      details: { flag: '--params' },
    });
    expect(JSON.parse(missing.err).message).toContain('ENOENT');
  });
});

describe('audit, reports and report', () => {
  it('audit filters by actor, operation and time, and exports formula-safe CSV', async () => {
    await cli(['flags', 'set', 'new-schema', 'on']);
    const other = io();
    other.env.QUEUESCOPE_OPERATOR = '=HYPERLINK("http://evil")';
    await run(['flags', 'set', 'new-schema', 'off'], other);
    const mine = await cli(['--json', 'audit', '--actor', 'ops-kim', '--operation', 'setFlag']);
    expect(mine.code).toBe(0);
    expect(mine.json()).toHaveLength(1);
    expect(mine.json()[0]).toMatchObject({ actor: 'ops-kim', target: 'new_schema=on' });
    expect((await cli(['--json', 'audit', '--since', '2h'])).json()).toHaveLength(2);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await cli(['--json', 'audit', '--since', future])).json()).toEqual([]);
    const badSince = await cli(['audit', '--since', 'yesterday']);
    expect(badSince.code).toBe(2);
    expect(badSince.err).toContain('--since');
    const csv = await cli(['audit', '--csv']);
    const rows = csv.out.split('\r\n');
    expect(rows[0]).toBe('time,actor,operation,target,outcome,details,host_user');
    expect(rows[1]).toContain(`,"'=HYPERLINK(""http://evil"")",setFlag,`);
    expect((await cli(['audit'])).out).toMatch(/ops-kim\s+setFlag\s+new_schema=on/);
  });

  it('reports lists kept divergence reports and report prints one, or exits 3', async () => {
    const check = await cli(['--json', 'divergence']);
    expect(check.code).toBe(0);
    const id = check.json().id as string;
    const list = await cli(['--json', 'reports']);
    expect(list.json().map((r: { id: string }) => r.id)).toEqual([id]);
    expect((await cli(['reports'])).out).toMatch(new RegExp(`^${id}\\s+all\\s+completed`, 'm'));
    const one = await cli(['report', id]);
    expect(one.code).toBe(0);
    expect(one.out).toContain(`Divergence check ${id}`);
    const missing = await cli(['--json', 'report', 'no-such-report']);
    expect(missing.code).toBe(3);
    expect(JSON.parse(missing.err)).toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('text output escapes control characters (docs/doors.md "Hostile input")', () => {
  it('shows a job field that would clear the screen or retitle the terminal as escapes', async () => {
    await env.redis.hset('ai:jobs:esc-1', {
      job_id: 'esc-1',
      status: 'pending',
      workspace_id: 'acme',
      action_provider: 'p\u001b]0;pwned\u0007',
      action_name: 'a\u001b[2J\rX',
      actor_id: 'u\u009b31m\u202ename',
      params: '{}',
    });
    const got = await cli(['get', 'esc-1']);
    expect(got.code).toBe(0);
    // eslint-disable-next-line no-control-regex -- no control character may be left
    expect(got.out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
    expect(got.out).toContain('p\\x1b]0;pwned\\x07');
    expect(got.out).toContain('a\\x1b[2J\\rX');
    expect(got.out).toContain('u\\x9b31m\\u202ename');
    const notFound = await cli(['get', 'x\u001b[2J']);
    expect(notFound.err).not.toContain('\u001b');
    const json = await cli(['--json', 'get', 'esc-1']);
    expect(json.json().job.action_name).toBe('a\u001b[2J\rX');
  });
});
