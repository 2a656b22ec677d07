import { describe, expect, it } from 'vitest';
import { keys } from '../../electron/core/keys';
import { fingerprintOfPairs } from '../../electron/core/migration/fingerprint';
import { withIncludes } from '../../electron/core/scripts';
import { dualWriteOnSettled, useRedis } from '../helpers/core';
import {
  MIB_PARAMS,
  checkAndRepair,
  copiesNow,
  jobHash,
  manyFields,
  plantJob,
  stagingLeft,
  stateOf,
  type Planted,
} from './repair-jobs';

/**
 * docs/repair.md: a repair never leaves a job with fewer copies than it had, whatever the job
 * weighs, and every repair call does bounded work.
 */
describe('repair never loses a copy', () => {
  const env = useRedis();

  async function plantLarge() {
    const r = env.redis;
    const wide = jobHash('wide', 'ws-1', manyFields(10_000, 'f'));
    const heavy = jobHash('heavy', 'ws-1', { params: MIB_PARAMS });
    const jobs: Record<string, Planted> = {
      // 10,000 fields; the new copy lags behind on status and lacks some fields.
      wide: await plantJob(r, 'wide', 'ws-1', wide, {
        ...jobHash('wide', 'ws-1', manyFields(9_000, 'f')),
        status: 'running',
      }),
      // 1 MiB params, the new copy's params written by another serializer and differing.
      heavy: await plantJob(r, 'heavy', 'ws-1', heavy, { ...heavy, params: '{"blob":"old"}' }),
      // 1 MiB params, no new copy yet.
      'heavy-missing': await plantJob(
        r,
        'heavy-missing',
        'ws-1',
        jobHash('heavy-missing', 'ws-1', { params: MIB_PARAMS }),
        {},
      ),
      // A small old copy whose new copy carries 10,000 fields the old one never had.
      'small-wide-copy': await plantJob(
        r,
        'small-wide-copy',
        'ws-1',
        jobHash('small-wide-copy', 'ws-1'),
        jobHash('small-wide-copy', 'ws-1', manyFields(10_000, 'stray')),
      ),
      // A small job whose new copy has two extra fields.
      'small-extra': await plantJob(
        r,
        'small-extra',
        'ws-1',
        jobHash('small-extra', 'ws-1'),
        jobHash('small-extra', 'ws-1', { extra_a: '1', extra_b: '2' }),
      ),
    };
    return jobs;
  }

  it('repairs a job of 10,000 fields and jobs with 1 MiB params: each new copy equals its old copy', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantLarge();
    const { report, result } = await checkAndRepair(core);
    expect(report.counts.mismatch).toBe(4);
    expect(report.counts.missing_in_new).toBe(1);
    expect(result).toMatchObject({ applied: 5, skipped: [], skipped_count: 0 });
    expect(result.stopped).toBeUndefined();
    for (const job of Object.values(jobs)) {
      const { old, copy } = await copiesNow(env.redis, job);
      expect(old, job.jobId).toEqual(job.old);
      expect(copy, job.jobId).toEqual(old);
    }
    expect(await env.redis.zscore(keys.workspaceIndex('ws-1'), 'wide')).not.toBeNull();
    expect(await env.redis.ttl(jobs.wide!.newKey)).toBe(-1); // not the staging key's TTL
    expect(await stagingLeft(env.redis, Object.values(jobs))).toEqual([]);
    const after = await core.invoke('divergenceCheck', {});
    expect(after.counts.mismatch + after.counts.missing_in_new).toBe(0);
  });

  it('a mismatch whose new copy has extra fields loses them, small or large', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantLarge();
    await checkAndRepair(core);
    const small = await env.redis.hgetall(jobs['small-extra']!.newKey);
    expect(small.extra_a).toBeUndefined();
    expect(small.extra_b).toBeUndefined();
    expect(await env.redis.hlen(jobs['small-wide-copy']!.newKey)).toBe(
      Object.keys(jobs['small-wide-copy']!.old).length,
    );
    expect(await env.redis.hexists(jobs['small-wide-copy']!.newKey, 'stray9999')).toBe(0);
  });

  it('moves a large stray copy to the old hash workspace and restores a large missing old copy', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const wide = jobHash('moved', 'ws-1', manyFields(10_000, 'f'));
    await plantJob(env.redis, 'moved', 'ws-9', wide, wide); // stray under ws-9; old says ws-1
    const lost = jobHash('lost-old', 'ws-1', { params: MIB_PARAMS });
    const missing = await plantJob(env.redis, 'lost-old', 'ws-1', {}, lost);
    const { report, result } = await checkAndRepair(core);
    expect(report.counts.workspace_mismatch).toBe(1);
    expect(report.counts.missing_in_old).toBe(1);
    expect(result).toMatchObject({ applied: 2, skipped_count: 0 });
    expect(await env.redis.hgetall(keys.newJob('ws-1', 'moved'))).toEqual(wide);
    expect(await env.redis.exists(keys.newJob('ws-9', 'moved'))).toBe(0);
    expect(await env.redis.hgetall(missing.oldKey)).toEqual(lost);
    expect(await env.redis.ttl(missing.oldKey)).toBe(-1);
  });

  it('a target key turned WRONGTYPE after the check: that job is skipped and both copies stay as they were', async () => {
    const core = env.core();
    await dualWriteOnSettled(core);
    const r = env.redis;
    const small = await plantJob(r, 's', 'ws-1', jobHash('s', 'ws-1'), {
      ...jobHash('s', 'ws-1'),
      status: 'running',
    });
    const wide = jobHash('w', 'ws-2', manyFields(10_000, 'f'));
    const large = await plantJob(r, 'w', 'ws-2', wide, { ...wide, status: 'running' });
    const fine = await plantJob(r, 'ok', 'ws-3', jobHash('ok', 'ws-3'), {
      ...jobHash('ok', 'ws-3'),
      status: 'running',
    });
    const report = await core.invoke('divergenceCheck', {});
    await r.del(small.newKey);
    await r.rpush(small.newKey, 'planted'); // the small job's target is a list now
    await r.set(keys.workspaceIndex('ws-2'), 'planted'); // the large job's index is a string
    const result = await core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    expect(result.applied).toBe(1);
    expect(result.skipped).toEqual(
      expect.arrayContaining([
        { job_id: 's', reason: 'wrong_type' },
        { job_id: 'w', reason: 'wrong_type' },
      ]),
    );
    expect(await r.hgetall(small.oldKey)).toEqual(small.old);
    expect(await r.lrange(small.newKey, 0, -1)).toEqual(['planted']);
    expect(await stateOf(r, large)).toBe('before');
    expect(await stateOf(r, fine)).toBe('after');
    expect(await stagingLeft(r, [large])).toEqual([]);
  });

  it('copies a job whose values are not UTF-8: the fingerprint the check hands out is the one repair compares', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await dualWriteOnSettled(core);
    const oldKey = keys.oldJob('bytes-1');
    const fields = {
      job_id: 'bytes-1',
      workspace_id: 'ws-1',
      status: 'pending',
      enqueued_at: new Date().toISOString(),
      params: Buffer.from([0xff, 0x00, 0x80]),
    };
    await env.redis.hset(oldKey, fields);
    const report = await core.invoke('divergenceCheck', {});
    expect(report.items.map((i) => [i.category, i.job_id])).toEqual([
      ['missing_in_new', 'bytes-1'],
    ]);
    const result = await core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    expect(result.applied).toBe(1);
    expect(await env.redis.hgetallBuffer(keys.newJob('ws-1', 'bytes-1'))).toEqual(
      await env.redis.hgetallBuffer(oldKey),
    );
  });

  it('a worker updating a large job during its repair: the fix is skipped, not overwritten', async () => {
    const core = env.core({ defaultFlag: 'on' });
    const worker = env.core({ defaultFlag: 'on' });
    await dualWriteOnSettled(core);
    const wide = jobHash('busy', 'ws-1', manyFields(10_000, 'f', 200));
    const job = await plantJob(env.redis, 'busy', 'ws-1', wide, { ...wide, stale: 'yes' });
    const report = await core.invoke('divergenceCheck', {});
    const repairing = core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    // The repair has read both copies and is staging its copy: the worker moves the job on now.
    const staging = keys.repairStaging('busy');
    while (!(await env.redis.exists(staging))) await new Promise((r) => setTimeout(r, 1));
    await worker.invoke('updateStatus', {
      job_id: 'busy',
      status: 'running',
      workspace_id: 'ws-1',
    });
    const result = await repairing;
    expect(result.applied).toBe(0);
    expect(result.skipped).toEqual([{ job_id: 'busy', reason: 'changed since the check' }]);
    const { old, copy } = await copiesNow(env.redis, job);
    expect(old.status).toBe('running');
    expect(copy.status).toBe('running');
    expect(copy.stale).toBe('yes'); // the worker's copy was not replaced
    expect(await env.redis.exists(staging)).toBe(0);
  });

  type SlowlogEntry = [id: number, at: number, micros: number, argv: string[]];

  /** Plants the large jobs, checks, and repairs with every Redis call of the repair in SLOWLOG. */
  async function repairUnderSlowlog() {
    const r = env.redis;
    await r.flushall();
    const core = env.core();
    await dualWriteOnSettled(core);
    const jobs = await plantLarge();
    const report = await core.invoke('divergenceCheck', {});
    await r.config('SET', 'slowlog-log-slower-than', '0');
    await r.config('SET', 'slowlog-max-len', '100000');
    await r.slowlog('RESET'); // the planting and the check are not the repair's
    const result = await core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    const entries = (await r.slowlog('GET', '100000')) as SlowlogEntry[];
    await r.config('SET', 'slowlog-log-slower-than', '10000');
    const calls = entries.filter(([, , , argv]) => String(argv[0]).toUpperCase() !== 'SLOWLOG');
    return { result, jobs, calls, slowest: calls.reduce((a, b) => (b[2] > a[2] ? b : a)) };
  }

  /** A logged call's arguments and bytes: SLOWLOG keeps 32 arguments of 128 bytes each and says how many more. */
  function sizeOf(argv: string[]): { args: number; bytes: number } {
    const more = /^\.\.\. \((\d+) more arguments\)$/.exec(String(argv.at(-1)));
    let bytes = 0;
    for (const arg of more ? argv.slice(0, -1) : argv) {
      const cut = /\.\.\. \((\d+) more bytes\)$/.exec(String(arg));
      bytes += cut ? String(arg).length - cut[0].length + Number(cut[1]) : String(arg).length;
    }
    return { args: argv.length + (more ? Number(more[1]) - 1 : 0), bytes };
  }

  /** Commands whose work grows with the whole value of the key they name. */
  const WHOLE_VALUE = new Set([
    'HGETALL',
    'HKEYS',
    'HVALS',
    'DEL',
    'COPY',
    'DUMP',
    'RESTORE',
    'SORT',
  ]);

  it('bounded calls: every Redis call of the repair of 10,000-field and 1 MiB jobs does bounded work (SLOWLOG)', async () => {
    const { result, jobs, calls, slowest } = await repairUnderSlowlog();
    expect(result.applied).toBe(5);
    for (const job of Object.values(jobs)) expect(await stateOf(env.redis, job)).toBe('after');
    // The keys no single call may take whole: the copies over the one-call limits, and the staging.
    const limitFields = 128;
    const limitBytes = 32 * 1024;
    const weight = (hash: Record<string, string>) =>
      Object.entries(hash).reduce((n, [f, v]) => n + f.length + v.length, 0);
    const large = new Set<string>();
    for (const job of Object.values(jobs))
      for (const [key, hash] of [
        [job.oldKey, job.old],
        [job.newKey, job.copy],
      ] as const)
        if (Object.keys(hash).length > limitFields || weight(hash) > limitBytes) large.add(key);
    const isLarge = (key: string) => large.has(key) || key.startsWith(keys.repairStaging(''));
    expect(large.size).toBeGreaterThanOrEqual(5);

    const unlinked = new Set<string>();
    // SLOWLOG lists the newest first; the repair's order is needed for RENAME over a copy.
    for (const [, , , argv] of [...calls].reverse()) {
      const name = String(argv[0]).toUpperCase();
      const key = String(argv[1]);
      const { args, bytes } = sizeOf(argv);
      const what = `${name} ${key} (${args} arguments, ${bytes} bytes)`;
      if (name === 'HSET' && args > 4) {
        // At most 100 pairs and 128 KiB a write; a bigger single value goes alone.
        expect(args, what).toBeLessThanOrEqual(2 + 2 * 100);
        expect(bytes - name.length - key.length, what).toBeLessThanOrEqual(128 * 1024);
      }
      if (name === 'HSCAN') expect(Number(argv[argv.length - 1]), what).toBeLessThanOrEqual(250);
      expect(WHOLE_VALUE.has(name) && isLarge(key), what).toBe(false);
      if (name === 'UNLINK') argv.slice(1).forEach((k) => unlinked.add(String(k)));
      // RENAME frees the key it replaces in the call: a large copy is unlinked (freed in the
      // background) first.
      if (name === 'RENAME' && large.has(String(argv[2])))
        expect(unlinked.has(String(argv[2])), what).toBe(true);
    }
    // How long the calls took is the host's as much as the repair's (docs/repair.md): printed only.
    console.info(
      `repair of the 10,000-field and 1 MiB jobs: ${calls.length} calls, slowest ${slowest[2]} µs (${slowest[3][0]})`,
    );
  }, 60_000);
});

const FINGERPRINT_CASES: Array<[string, Array<[string | Buffer, string | Buffer]>]> = [
  ['an absent hash', []],
  ['one field', [['status', 'pending']]],
  [
    'lengths that sort apart from their text',
    [
      ['a', 'x'.repeat(10)],
      ['b', 'x'.repeat(9)],
    ],
  ],
  [
    'upper and lower case (byte order, not a locale)',
    [
      ['B', '1'],
      ['a', '2'],
      ['_', '3'],
    ],
  ],
  [
    'UTF-8 and JSON',
    [
      ['params', '{"to":"é"}'],
      ['é', 'ü'],
    ],
  ],
  ['bytes that are not UTF-8', [[Buffer.from([0xff, 0x00]), Buffer.from([0x80, 0x7f])]]],
  [
    'empty values',
    [
      ['result', ''],
      ['', 'x'],
    ],
  ],
];

/**
 * docs/repair.md "Notes": both definitions sort by bytes, on a server under the C locale and on one
 * whose collation is not byte order (Redis takes LC_COLLATE from its environment).
 */
describe.each([
  ['the C locale', 'C'],
  ['en_US.UTF-8, whose collation is not byte order', 'en_US.UTF-8'],
])('fingerprint: the TypeScript and Lua definitions agree on a server under %s', (_, locale) => {
  const env = useRedis({ env: { LC_ALL: locale } });
  const lua = withIncludes('-- @include fingerprint\nreturn fingerprint(ARGV)');

  it('the server collates as its locale says', async () => {
    // Under en_US.UTF-8 'a' sorts before 'B'; if the locale is missing, Redis falls back to C and
    // this test would prove nothing (.ci/run generates it; `localedef -i en_US -f UTF-8 en_US.UTF-8`).
    const byteOrder = await env.redis.eval("return tostring('B' < 'a')", 0);
    expect(byteOrder).toBe(locale === 'C' ? 'true' : 'false');
  });

  it.each(FINGERPRINT_CASES)('%s', async (_, pairs) => {
    const bytes = pairs.map(([f, v]) => [Buffer.from(f), Buffer.from(v)] as const);
    const fromLua = await env.redis.eval(lua, 0, ...bytes.flat());
    expect(fingerprintOfPairs(bytes)).toBe(fromLua);
  });

  it('a check and a repair of jobs whose fields sort apart under the locale: every fix applied', async () => {
    const core = env.core({ defaultFlag: 'on' });
    await dualWriteOnSettled(core);
    for (const id of ['loc-1', 'loc-2']) {
      const fields = {
        job_id: id,
        workspace_id: 'ws-1',
        status: 'pending',
        enqueued_at: new Date().toISOString(),
        Zeta: 'upper',
        alpha: 'lower',
        _under: 'score',
      };
      await env.redis.hset(keys.oldJob(id), fields);
      if (id === 'loc-2')
        await env.redis.hset(keys.newJob('ws-1', id), { ...fields, alpha: 'x', Zeta: 'y' });
    }
    const report = await core.invoke('divergenceCheck', {});
    expect(report.items.map((i) => [i.category, i.job_id]).sort()).toEqual([
      ['mismatch', 'loc-2'],
      ['missing_in_new', 'loc-1'],
    ]);
    // The differing fields are listed in byte order too, as a cluster's check lists them.
    expect(report.items.find((i) => i.category === 'mismatch')?.fields).toEqual(['Zeta', 'alpha']);
    const result = await core.invoke('repair', {
      report_id: report.id,
      dry_run: false,
      actor_id: 'ops',
    });
    expect(result.skipped).toEqual([]);
    expect(result.applied).toBe(2);
  });
});
