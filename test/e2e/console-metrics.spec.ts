import type { Redis } from 'ioredis';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const job = (workspace: string, id: string) => ({
  workspace_id: workspace,
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id: 'u',
  job_id: id,
});

/** Dual-write attempts of the last 15 minutes as the Redis buckets hold them. */
async function bucketTotals(redis: Redis, workspace?: string) {
  const now = Date.now();
  const last = now - (now % 60_000);
  const totals = { succeeded: 0, failed: 0 };
  for (let i = 0; i < 15; i++) {
    const hash = await redis.hgetall(`ai:qs:dw:${last - i * 60_000}`);
    for (const [field, value] of Object.entries(hash)) {
      const [ws, status] = field.split('|');
      if ((workspace && ws !== workspace) || (status !== 'succeeded' && status !== 'failed'))
        continue;
      totals[status] += Number(value);
    }
  }
  return totals;
}

const stat = (page: Page, label: string) =>
  page.locator('.stat', { has: page.locator('dt', { hasText: label }) }).locator('dd');

test('metrics show the dual-write attempts Redis counted, per workspace and in every range', async ({
  page,
  baseUrl,
  redis,
  core,
}) => {
  await redis.set('ai:flags:new_schema', 'on');
  for (const id of ['a1', 'a2', 'a3']) await core.invoke('enqueue', job('ws-a', id));
  await core.invoke('enqueue', job('ws-b', 'b1'));
  // A corrupt new-schema key makes this dual write fail: it must count as a failed attempt.
  await redis.set('ai:job:ws-b:b2', 'not a hash');
  await expect(core.invoke('enqueue', job('ws-b', 'b2'))).rejects.toThrow();
  await expect.poll(async () => (await bucketTotals(redis)).failed).toBe(1);
  const all = await bucketTotals(redis);
  expect(all).toEqual({ succeeded: 4, failed: 1 });

  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Metrics' })
    .click();
  await expect(stat(page, 'Succeeded')).toHaveText('4');
  await expect(stat(page, 'Failed')).toHaveText('1');
  await expect(stat(page, 'Failure rate')).toHaveText('20.0 %');
  await expect(stat(page, 'Queue depth')).toHaveText(String(await redis.llen('ai:queue:pending')));
  await expect(page.getByRole('img', { name: /Dual-write attempts per minute/ })).toBeVisible();
  await expect(page.locator('.uplot-host canvas')).toHaveCount(3);
  const byWorkspace = page.getByRole('table', { name: 'Dual-write attempts by workspace' });
  await expect(byWorkspace.getByRole('row', { name: /ws-b 1 1 50\.0 %/ })).toBeVisible();

  // Reading the metrics sampled the queue depth into this minute's bucket.
  const minute = Date.now() - (Date.now() % 60_000);
  await expect
    .poll(async () =>
      Math.max(
        Number(await redis.hget(`ai:qs:dw:${minute}`, 'queue_depth')),
        Number(await redis.hget(`ai:qs:dw:${minute - 60_000}`, 'queue_depth')),
      ),
    )
    .toBe(4);

  await page.getByRole('combobox', { name: 'Workspace' }).selectOption('ws-a');
  expect(await bucketTotals(redis, 'ws-a')).toEqual({ succeeded: 3, failed: 0 });
  await expect(stat(page, 'Succeeded')).toHaveText('3');
  await expect(stat(page, 'Failed')).toHaveText('0');
  await expect(stat(page, 'Failure rate')).toHaveText('0.0 %');

  for (const range of ['15 m', '1 h', '6 h', '24 h', '7 d']) {
    await page
      .getByRole('radiogroup', { name: 'Range' })
      .getByRole('radio', { name: range })
      .click();
    await expect(page.getByRole('radio', { name: range })).toHaveAttribute('aria-checked', 'true');
    await expect(stat(page, 'Succeeded')).toHaveText('3');
  }

  // New attempts show up on the next live refresh, without a reload.
  await page.getByRole('combobox', { name: 'Live refresh' }).selectOption({ label: '2 s' });
  await core.invoke('enqueue', job('ws-a', 'a4'));
  await expect(stat(page, 'Succeeded')).toHaveText('4', { timeout: 15_000 });
  expect(await bucketTotals(redis, 'ws-a')).toEqual({ succeeded: 4, failed: 0 });
});
