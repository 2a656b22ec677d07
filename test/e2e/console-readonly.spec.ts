import { join } from 'node:path';
import { expect, test } from './fixtures';

const WS = 'ws-ro';

test.use({
  readOnly: true,
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      await core.invoke('enqueue', {
        workspace_id: WS,
        job_id: 'job-ro',
        action_provider: 'google',
        action_name: 'gmail.send',
        actor_id: 'user-1',
      });
      await core.invoke('updateStatus', { job_id: 'job-ro', status: 'running' });
      await core.invoke('updateStatus', { job_id: 'job-ro', status: 'failed', result: { e: 1 } });
    });
  },
});

test('read-only: every write control is disabled and says why; the core refuses writes anyway', async ({
  page,
  baseUrl,
  redis,
}) => {
  const before = await redis.hgetall('ai:jobs:job-ro');
  await page.goto(baseUrl);
  await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: /^ws-ro/ })
    .click();
  const why = /read-only/i;

  const retryAll = page.getByRole('button', { name: 'Retry all failed' });
  await expect(retryAll).toBeDisabled();
  await expect(retryAll).toHaveAttribute('title', why);
  await page.getByRole('checkbox', { name: 'Select job-ro' }).check();
  await expect(page.getByRole('button', { name: /Retry selected/ })).toBeDisabled();
  await expect(page.getByRole('button', { name: /Retry selected/ })).toHaveAttribute('title', why);

  await page
    .getByRole('table', { name: 'Jobs' })
    .getByRole('row')
    .filter({ hasText: 'job-ro' })
    .click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  for (const name of ['Retry', 'Set status…']) {
    const button = detail.getByRole('button', { name });
    await expect(button).toBeDisabled();
    await expect(button).toHaveAttribute('title', why);
  }
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, 'read-only.png') });

  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  const enqueue = page
    .getByRole('form', { name: 'Enqueue job' })
    .getByRole('button', { name: 'Enqueue' });
  await expect(enqueue).toBeDisabled();
  await expect(enqueue).toHaveAttribute('title', why);

  // The page's own transport, past the disabled buttons: the core still says no.
  const refused = await page.evaluate(async () => {
    const token = sessionStorage.getItem('queuescope-token') ?? '';
    const response = await fetch('/api/retry', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-queuescope-token': token },
      body: JSON.stringify({ job_id: 'job-ro', workspace_id: 'ws-ro', actor_id: 'x' }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { error: { code: string } },
    };
  });
  expect(refused.status).toBe(403);
  expect(refused.body.error.code).toBe('READ_ONLY');
  expect(await redis.hgetall('ai:jobs:job-ro')).toEqual(before);
  expect(await redis.xlen('ai:qs:audit')).toBe(0);
});
