import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { Cluster } from 'ioredis';
import { keys } from '../../electron/core/keys';
import { CLI_COMMANDS } from '../../electron/cli/operations';
import { buildProgram, run } from '../../electron/cli/run';
import { CliSession } from '../../electron/cli/session';
import { startRedisCluster, type RedisCluster } from '../helpers/redis-cluster';

/**
 * docs/topologies.md "Redis Cluster": every command of the command line runs against a 3-master,
 * 3-replica cluster through `run()`, each with a meaningful input, and exits 0 (or its documented
 * code: `divergence` 1 when it finds a mismatch) with a sensible answer. The commands are read
 * from the program itself, so a command added later without a run here fails this test.
 */
let cluster: RedisCluster;
let direct: Cluster;

beforeAll(async () => {
  cluster = await startRedisCluster();
  direct = new Cluster([{ host: '127.0.0.1', port: cluster.nodes[0]!.port }]);
}, 60_000);
afterAll(async () => {
  direct?.disconnect();
  await cluster?.stop();
});

interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** Runs a command; one that serves until stopped is stopped once its output says `until`. */
async function cli(
  argv: string[],
  options: { stdin?: string; until?: RegExp; stopWhen?: () => Promise<boolean> } = {},
) {
  let out = '';
  let err = '';
  const stop = new AbortController();
  const { stopWhen } = options;
  const polling = stopWhen
    ? (async () => {
        while (!stop.signal.aborted && !(await stopWhen())) await sleep(100);
        stop.abort();
      })()
    : null;
  const code = await run(argv, {
    stdout: {
      write: (s: string) => {
        out += s;
        if (options.until?.test(out)) stop.abort();
      },
    },
    stderr: { write: (s: string) => (err += s) },
    env: { REDIS_URL: cluster.url, QUEUESCOPE_OPERATOR: 'ops-kim' },
    signal: stop.signal,
    ...(options.stdin === undefined ? {} : { stdin: Readable.from([Buffer.from(options.stdin)]) }),
  });
  stop.abort();
  await polling;
  return { code, out, err };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Every command a user can type, as its words ("flags get"), subcommands rather than groups. */
function commandPaths(): string[] {
  const session = new CliSession(
    { stdout: { write: () => true }, stderr: { write: () => true }, env: {} },
    [],
  );
  const paths: string[] = [];
  const walk = (command: Command, prefix: string[]) => {
    for (const sub of command.commands) {
      const words = [...prefix, sub.name()];
      if (sub.commands.length) walk(sub, words);
      else paths.push(words.join(' '));
    }
  };
  walk(buildProgram(session), []);
  void session.close();
  return paths;
}

const WS = 'acme';
const ndjson = ['cl-nd-1', 'cl-nd-2']
  .map((id) =>
    JSON.stringify({
      job_id: id,
      workspace_id: WS,
      action_provider: 'slack',
      action_name: 'chat.post',
      actor_id: 'u1',
      client_request_id: `req-${id}`,
    }),
  )
  .join('\n');
let reportId = '';

/**
 * The runs, in order: each command once at least (a command variant such as `enqueue --ndjson`
 * is named by the words and flag of CLI_COMMANDS), each with what its answer must say.
 */
const RUNS: Array<{
  command: string;
  argv: () => string[];
  stdin?: string;
  until?: RegExp;
  stopWhen?: () => Promise<boolean>;
  code?: number;
  before?: () => Promise<unknown>;
  check: (r: Outcome) => void;
}> = [
  {
    command: 'topology',
    argv: () => ['topology'],
    check: (r) => expect(r.out).toMatch(/^Redis Cluster of 3 masters \(state ok\)/),
  },
  {
    command: 'flags set',
    argv: () => ['--json', 'flags', 'set', 'new-schema', 'on'],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ new_schema: 'on' }),
  },
  {
    command: 'flags get',
    argv: () => ['--json', 'flags', 'get'],
    check: (r) => expect(JSON.parse(r.out)).toEqual({ new_schema: 'on', source: 'redis' }),
  },
  ...['cl-1', 'cl-2', 'cl-3'].map((id) => ({
    command: 'enqueue',
    argv: () => [
      '--json',
      'enqueue',
      '--workspace',
      WS,
      '--provider',
      'slack',
      '--action',
      'chat.post',
      '--actor',
      'u1',
      '--job-id',
      id,
      '--request-id',
      `req-${id}`,
      '--params',
      '{"channel":"#ops"}',
    ],
    check: (r: Outcome) => expect(JSON.parse(r.out)).toEqual({ outcome: 'enqueued', job_id: id }),
  })),
  {
    command: 'enqueue --ndjson',
    argv: () => ['--json', 'enqueue', '--ndjson', '-'],
    stdin: ndjson,
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ enqueued: 2, failed: 0 }),
  },
  {
    command: 'get',
    argv: () => ['--json', 'get', 'cl-1', '--workspace', WS],
    check: (r) =>
      expect(JSON.parse(r.out)).toMatchObject({ source: 'new', job: { status: 'pending' } }),
  },
  {
    command: 'inspect',
    argv: () => ['--json', 'inspect', 'cl-1', '--workspace', WS],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ differences: [] }),
  },
  {
    command: 'status',
    argv: () => ['--json', 'status', 'cl-1', 'running', '--workspace', WS],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ job_id: 'cl-1', status: 'running' }),
  },
  {
    command: 'status',
    argv: () => ['--json', 'status', 'cl-1', 'failed', '--workspace', WS],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ job_id: 'cl-1', status: 'failed' }),
  },
  {
    command: 'retry',
    argv: () => ['--json', 'retry', 'cl-1', '--workspace', WS],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ job_id: 'cl-1' }),
  },
  {
    command: 'workspaces',
    argv: () => ['--json', 'workspaces'],
    check: (r) => expect(r.out).toContain(`"${WS}"`),
  },
  {
    command: 'list',
    argv: () => ['--json', 'list', '--workspace', WS],
    check: (r) => {
      const ids = (JSON.parse(r.out) as { rows: Array<{ job_id: string }> }).rows.map(
        (j) => j.job_id,
      );
      expect(ids.sort()).toEqual(['cl-1', 'cl-2', 'cl-3', 'cl-nd-1', 'cl-nd-2']);
    },
  },
  {
    command: 'index',
    argv: () => ['--json', 'index', '--pass'],
    check: (r) => expect(JSON.parse(r.out)).toBeTypeOf('object'),
  },
  {
    command: 'divergence',
    // A mismatch planted on the new copy, as another producer's bug would leave it.
    before: () => direct.hset(keys.newJob(WS, 'cl-2'), 'action_name', 'chat.delete'),
    argv: () => ['--json', 'divergence'],
    code: 1,
    check: (r) => {
      const report = JSON.parse(r.out) as { id: string };
      reportId = report.id;
      expect(r.out).toContain('cl-2');
    },
  },
  {
    command: 'reports',
    argv: () => ['--json', 'reports'],
    check: (r) => expect(r.out).toContain(reportId),
  },
  {
    command: 'report',
    argv: () => ['--json', 'report', reportId],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ id: reportId }),
  },
  {
    command: 'repair',
    argv: () => ['--json', 'repair', '--dry-run'],
    check: (r) => expect(r.out).toContain('cl-2'),
  },
  {
    command: 'repair',
    argv: () => ['--json', 'repair'],
    check: (r) => expect(r.out).toContain('cl-2'),
  },
  {
    command: 'divergence',
    argv: () => ['--json', 'divergence'],
    check: (r) => expect(r.out).not.toContain('cl-2'),
  },
  {
    command: 'metrics',
    argv: () => ['--json', 'metrics'],
    check: (r) => expect(r.out).toContain(WS),
  },
  {
    command: 'metrics --prom',
    argv: () => ['metrics', '--prom'],
    check: (r) =>
      expect(r.out).toMatch(
        /^ai_jobs_dual_write_attempts_total\{workspace_id="acme",status="succeeded"\} 5$/m,
      ),
  },
  {
    command: 'audit',
    argv: () => ['--json', 'audit', '--since', '1h', '--operation', 'setFlag'],
    check: (r) => expect(r.out).toContain('ops-kim'),
  },
  {
    command: 'overview',
    argv: () => ['--json', 'overview'],
    check: (r) => expect(JSON.parse(r.out)).toBeTypeOf('object'),
  },
  {
    command: 'find',
    argv: () => ['--json', 'find', 'cl-3'],
    check: (r) => expect(r.out).toContain('cl-3'),
  },
  {
    command: 'queue',
    argv: () => ['--json', 'queue', '--job', 'cl-3'],
    check: (r) => expect(r.out).toContain('cl-3'),
  },
  {
    command: 'unqueue',
    argv: () => ['--json', 'unqueue', 'cl-3', '--reason', 'stuck'],
    check: (r) => expect(JSON.parse(r.out)).toMatchObject({ job_id: 'cl-3', removed: 1 }),
  },
  {
    command: 'demo',
    argv: () => ['--json', 'demo', '--once', '--workspaces', '2', '--seed', '7', '--force'],
    check: (r) => {
      const seed = JSON.parse(r.out) as Record<string, unknown[]>;
      expect(seed.workspaces).toHaveLength(2);
      expect(seed.dual_written!.length).toBeGreaterThan(0);
      // Each way a producer's copies can drift, planted key by key on the cluster.
      expect(seed.divergent).toHaveLength(5);
      expect(seed).toMatchObject({ failed_dual_writes: 3 });
    },
  },
  {
    command: 'demo',
    // The worker runs until the queue is empty, then is stopped as Ctrl-C would.
    argv: () => ['--json', 'demo', '--workspaces', '1', '--rate', '0', '--force'],
    stopWhen: async () => (await direct.llen(keys.queue)) === 0,
    check: (r) => {
      const { worker } = JSON.parse(r.out) as { worker: Record<string, number> };
      expect(worker.completed! + worker.failed!).toBeGreaterThan(0);
      expect(worker.errors).toBe(0);
    },
  },
  {
    command: 'serve',
    argv: () => ['serve', '--port', '0', '--no-index'],
    until: /Ctrl-C to stop/,
    check: (r) => expect(r.out).toMatch(/Redis: Redis Cluster of 3 masters/),
  },
];

describe('every command against a Redis Cluster (docs/topologies.md "Redis Cluster")', () => {
  it('runs every command of the program, and every operation the commands map to', () => {
    const ran = new Set(RUNS.map((r) => r.command));
    expect(commandPaths().filter((path) => !ran.has(path))).toEqual([]);
    const mapped = Object.values(CLI_COMMANDS).map((c) => c.command);
    expect(mapped.filter((command) => !ran.has(command))).toEqual([]);
  });

  for (const [n, step] of RUNS.entries()) {
    it(`${n + 1}. ${step.command}: exits ${step.code ?? 0} with its answer`, async () => {
      await step.before?.();
      const r = await cli(step.argv(), {
        ...(step.stdin === undefined ? {} : { stdin: step.stdin }),
        ...(step.until ? { until: step.until } : {}),
        ...(step.stopWhen ? { stopWhen: step.stopWhen } : {}),
      });
      expect(r.code, `${r.err}\n${r.out}`).toBe(step.code ?? 0);
      step.check(r);
    }, 60_000);
  }
});
