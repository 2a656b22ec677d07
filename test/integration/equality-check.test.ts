import { describe, expect, it } from 'vitest';
import table from '../fixtures/equality-cases.json';
import { keys } from '../../electron/core/keys';
import { useRedis } from '../helpers/core';

const WS = 'ws-eq';
/** The rule holds for every field of a job hash, JSON ones and plain ones alike. */
const FIELDS = ['params', 'result', 'status', 'attempts'] as const;

/** Each case of the shared table as one job, its two copies differing only in one field. */
const jobs = table.cases.map((c, i) => ({
  id: `eq-${i}`,
  field: FIELDS[i % FIELDS.length]!,
  ...c,
}));

/**
 * docs/guarantees.md, "Equality of two copies": the divergence check (Lua, inside Redis) and the
 * job views (`inspectJob`, whose differences the CLI `get` and `inspect` mark with ≠) judge the same
 * pairs of copies as the shared table does.
 */
describe('the divergence check and the job views use the one equality rule', () => {
  const env = useRedis();

  /** Plants both copies with raw HSETs, as another producer (Python, JavaScript) would write them. */
  async function plantTable() {
    const pipeline = env.redis.pipeline();
    for (const job of jobs) {
      const base = { job_id: job.id, workspace_id: WS, action_name: 'gmail.send' };
      const side = (value: string | null) =>
        value === null ? base : { ...base, [job.field]: value };
      pipeline.hset(keys.oldJob(job.id), side(job.a));
      pipeline.hset(keys.newJob(WS, job.id), side(job.b));
    }
    await pipeline.exec();
  }

  it('reports exactly the unequal cases as mismatches of their field, and the rest in sync', async () => {
    const core = env.core();
    await plantTable();
    const report = await core.invoke('divergenceCheck', {});
    expect(report.state).toBe('completed');

    const unequal = jobs.filter((j) => !j.equal);
    const mismatched = new Map(
      report.items.filter((i) => i.category === 'mismatch').map((i) => [i.job_id, i.fields]),
    );
    const wrong = jobs.filter((j) => {
      const fields = mismatched.get(j.id);
      return j.equal ? fields !== undefined : JSON.stringify(fields) !== JSON.stringify([j.field]);
    });
    expect(wrong.map((j) => `${j.field}: ${j.why}`)).toEqual([]);
    expect(report.in_sync).toBe(jobs.length - unequal.length);
    expect(report.counts.mismatch).toBe(unequal.length);
    expect(report.items.every((i) => i.category === 'mismatch')).toBe(true);
  });

  it('shows the same differences in inspectJob, the view behind the CLI get and inspect', async () => {
    const core = env.core();
    await plantTable();
    const wrong: string[] = [];
    for (const job of jobs) {
      const seen = await core.invoke('inspectJob', { job_id: job.id, workspace_id: WS });
      const expected = job.equal ? [] : [job.field];
      if (JSON.stringify(seen.differences) !== JSON.stringify(expected))
        wrong.push(`${job.field}: ${job.why} -> ${JSON.stringify(seen.differences)}`);
    }
    expect(wrong).toEqual([]);
  });

  it('compares the cases people meet most, by name', async () => {
    const core = env.core();
    const pairs: Array<[string, string, string, boolean]> = [
      ['params', '{}', '[]', false],
      ['params', '{"id": 12345678901234567890}', '{"id":12345678901234567891}', false],
      ['params', '{"to": "Ren\\u00e9e", "n": [1, 2]}', '{"n":[1,2],"to":"Renée"}', true],
      ['result', 'null', '', false],
      ['status', 'running', 'Running', false],
      ['attempts', '2', '2.0', true],
    ];
    for (const [i, [field, a, b]] of pairs.entries()) {
      const base = { workspace_id: WS, job_id: `named-${i}` };
      await env.redis.hset(keys.oldJob(`named-${i}`), { ...base, [field]: a });
      await env.redis.hset(keys.newJob(WS, `named-${i}`), { ...base, [field]: b });
    }
    const report = await core.invoke('divergenceCheck', {});
    const mismatched = report.items.map((i) => [i.job_id, i.fields]);
    expect(mismatched.sort()).toEqual(
      pairs.flatMap(([field, , , equal], i) => (equal ? [] : [[`named-${i}`, [field]]])),
    );
    expect(report.in_sync).toBe(pairs.filter(([, , , equal]) => equal).length);
  });
});
