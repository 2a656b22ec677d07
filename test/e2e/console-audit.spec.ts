import { readFile } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import { expect, test } from './fixtures';

/** The audit stream as Redis holds it, newest first, fields as objects. */
async function auditStream(redis: Redis) {
  const entries = await redis.xrevrange('ai:qs:audit', '+', '-');
  return entries.map(([, flat]) => {
    const fields: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) fields[flat[i]!] = flat[i + 1]!;
    return fields as {
      time: string;
      actor: string;
      operation: string;
      target: string;
      outcome: string;
    };
  });
}

test('audit lists every operator action, filters them, and exports what it shows as CSV', async ({
  page,
  baseUrl,
  redis,
  core,
}) => {
  await core.invoke(
    'enqueue',
    {
      workspace_id: 'ws-1',
      action_provider: 'google',
      action_name: 'gmail.send',
      actor_id: 'bob',
      job_id: 'job-7',
    },
    { actor: 'bob' },
  );
  // Retrying a pending job is refused: the refusal is audited too.
  await expect(
    core.invoke(
      'retry',
      { job_id: 'job-7', workspace_id: 'ws-1', actor_id: 'bob' },
      { actor: 'bob' },
    ),
  ).rejects.toThrow();

  await page.goto(baseUrl);
  await page.getByRole('textbox', { name: 'Operator' }).fill('auditor');
  const screens = page.getByRole('navigation', { name: 'Screens' });
  await screens.getByRole('button', { name: 'Migration' }).click();
  await page.getByRole('switch', { name: 'Dual-write to new schema' }).click();
  await page.getByRole('button', { name: 'Turn dual-write on' }).click();
  await expect(page.getByRole('switch', { name: 'Dual-write to new schema' })).toHaveAttribute(
    'aria-checked',
    'true',
  );

  const stream = await auditStream(redis);
  expect(stream.map((e) => [e.actor, e.operation, e.outcome.split(':')[0]])).toEqual([
    ['auditor', 'setFlag', 'ok'],
    ['bob', 'retry', 'CONFLICT'],
    ['bob', 'enqueue', 'ok'],
  ]);

  await screens.getByRole('button', { name: 'Audit' }).click();
  const table = page.getByRole('table', { name: 'Audit' });
  const rows = table.locator('tbody tr');
  await expect(rows).toHaveCount(stream.length);
  await expect(rows.nth(0)).toContainText('auditor');
  // The browser declared the name; the host's OS user stands beside it (docs/doors.md).
  await expect(rows.nth(0)).toContainText('host user e2e');
  await expect(rows.nth(1)).not.toContainText('host user');
  await expect(rows.nth(0)).toContainText('setFlag');
  await expect(rows.nth(0)).toContainText(stream[0]!.target);
  await expect(rows.nth(1)).toContainText('retry');
  await expect(rows.nth(1)).toContainText('job-7');
  await expect(rows.nth(1)).toContainText('CONFLICT');
  await expect(rows.nth(0).locator('time')).toHaveAttribute('datetime', stream[0]!.time);

  await page.getByRole('searchbox', { name: 'Filter audit' }).fill('bob');
  await expect(rows).toHaveCount(2);
  await page.getByRole('combobox', { name: 'Outcome' }).selectOption('failed');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('retry');

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await (await download).path();
  const lines = (await readFile(file, 'utf8')).trimEnd().split('\r\n');
  const retry = stream[1]!;
  expect(lines).toHaveLength(2);
  expect(lines[0]).toBe('time,actor,operation,target,outcome,details,host_user');
  expect(lines[1]!.startsWith(`${retry.time},bob,retry,${retry.target},`)).toBe(true);
  expect(lines[1]).toContain('CONFLICT');

  await page.getByRole('combobox', { name: 'Outcome' }).selectOption('all');
  await page.getByRole('searchbox', { name: 'Filter audit' }).fill('');
  await expect(rows).toHaveCount(3);
  const all = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const allLines = (await readFile(await (await all).path(), 'utf8')).trimEnd().split('\r\n');
  expect(allLines).toHaveLength(1 + stream.length);
  expect(allLines[1]).toMatch(/^[^,]+,auditor,setFlag,.*,e2e$/);
  expect(await redis.xlen('ai:qs:audit')).toBe(3);
});
