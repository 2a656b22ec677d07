import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const WS = 'ws-retry';

async function jobWithStatus(core: QueueCore, jobId: string, status: 'failed' | 'completed') {
  await core.invoke('enqueue', {
    workspace_id: WS,
    job_id: jobId,
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'user-1',
    params: { to: 'a@example.com' },
  });
  await core.invoke('updateStatus', { job_id: jobId, status: 'running', workspace_id: WS });
  await core.invoke('updateStatus', {
    job_id: jobId,
    status,
    workspace_id: WS,
    result: status === 'failed' ? { error: 'smtp timeout' } : { ok: true },
  });
}

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      await core.invoke('setFlag', { value: 'on', actor_id: 'e2e' });
      for (const id of ['job-f1', 'job-f2', 'job-f3']) await jobWithStatus(core, id, 'failed');
      await jobWithStatus(core, 'job-c1', 'completed');
    });
  },
});

async function openWorkspace(page: Page, baseUrl: string) {
  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: new RegExp(`^${WS}`) })
    .click();
  await expect(page.getByRole('table', { name: 'Jobs' }).getByRole('row')).toHaveCount(5);
}

const rowOf = (page: Page, jobId: string) =>
  page.getByRole('table', { name: 'Jobs' }).getByRole('row').filter({ hasText: jobId });

test('Retry requeues one failed job in both schemas, once', async ({ page, baseUrl, redis }) => {
  await openWorkspace(page, baseUrl);
  await page.getByRole('textbox', { name: 'Operator' }).fill('ops-anna');
  await rowOf(page, 'job-f2').click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await expect(detail.getByRole('table', { name: 'Old and new copies' })).toContainText('failed');
  await detail.getByRole('button', { name: 'Retry' }).click();
  await expect(detail.getByRole('status')).toContainText(
    'Retried: job-f2 is pending again (attempt 1)',
  );
  await expect(detail.getByRole('button', { name: 'Retry' })).toBeDisabled();
  await expect(rowOf(page, 'job-f2')).toContainText('pending');

  for (const key of ['ai:jobs:job-f2', `ai:job:${WS}:job-f2`]) {
    const hash = await redis.hgetall(key);
    expect(hash).toMatchObject({
      status: 'pending',
      attempts: '1',
      retried_by: 'ops-anna',
      result: '',
    });
    expect(hash.finished_at ?? '').toBe('');
  }
  expect(
    (await redis.lrange('ai:queue:pending', 0, -1)).filter((id) => id === 'job-f2'),
  ).toHaveLength(2);
  expect(await redis.hget('ai:jobs:job-f1', 'status')).toBe('failed');
});

test('Retry all failed confirms with the count, shows progress and each outcome', async ({
  page,
  baseUrl,
  redis,
}) => {
  await openWorkspace(page, baseUrl);
  await page.getByRole('button', { name: 'Retry all failed' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry all failed' });
  await expect(dialog).toContainText(`Retry 3 jobs in ${WS}?`);
  await dialog.getByRole('button', { name: 'Retry 3 jobs' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Done: 3 retried, 0 failed.');
  await expect(dialog.getByRole('progressbar', { name: 'Retry progress' })).toHaveAttribute(
    'value',
    '3',
  );
  const outcomes = dialog.getByRole('list', { name: 'Retry outcomes' }).getByRole('listitem');
  await expect(outcomes).toHaveCount(3);
  await expect(outcomes.filter({ hasText: 'retried' })).toHaveCount(3);
  await dialog.getByRole('button', { name: 'Close' }).click();

  for (const id of ['job-f1', 'job-f2', 'job-f3']) {
    expect(await redis.hget(`ai:jobs:${id}`, 'status')).toBe('pending');
    expect(await redis.hget(`ai:job:${WS}:${id}`, 'status')).toBe('pending');
  }
  expect(await redis.hget('ai:jobs:job-c1', 'status')).toBe('completed');
  await expect(page.getByRole('table', { name: 'Jobs' }).getByText('failed')).toHaveCount(0);
});

test('Retry selected reports the core refusing a job that is not failed, and retries the rest', async ({
  page,
  baseUrl,
  redis,
}) => {
  await openWorkspace(page, baseUrl);
  await page.getByRole('checkbox', { name: 'Select job-f1' }).check();
  await page.getByRole('checkbox', { name: 'Select job-c1' }).check();
  await page.getByRole('button', { name: 'Retry selected (2)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Retry selected' });
  await dialog.getByRole('button', { name: 'Retry 2 jobs' }).click();
  await expect(dialog.getByRole('status')).toHaveText('Done: 1 retried, 1 failed.');
  const refused = dialog.getByRole('listitem').filter({ hasText: 'job-c1' });
  // The core's own CONFLICT message, not a generic one.
  await expect(refused).toContainText(/completed/);
  await expect(refused.locator('.error-text')).not.toBeEmpty();

  expect(await redis.hget('ai:jobs:job-f1', 'status')).toBe('pending');
  expect(await redis.hget('ai:jobs:job-c1', 'status')).toBe('completed');
  expect(await redis.hget('ai:jobs:job-f2', 'status')).toBe('failed');
});

test('Set status… is forced: it needs a reason, writes both schemas and is audited', async ({
  page,
  baseUrl,
  redis,
}) => {
  await openWorkspace(page, baseUrl);
  await rowOf(page, 'job-c1').click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await detail.getByRole('button', { name: 'Set status…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set status of job-c1' });
  await dialog.getByLabel('New status').selectOption('pending');
  const confirm = dialog.getByRole('button', { name: 'Set status' });
  await expect(confirm).toBeDisabled();
  await dialog.getByLabel('Reason (required)').fill('customer asked to resend');
  await confirm.click();
  await expect(dialog).toBeHidden();
  await expect(detail.getByRole('status')).toContainText('Status of job-c1 forced to pending');
  await expect(rowOf(page, 'job-c1')).toContainText('pending');

  expect(await redis.hget('ai:jobs:job-c1', 'status')).toBe('pending');
  expect(await redis.hget(`ai:job:${WS}:job-c1`, 'status')).toBe('pending');
  const audit = JSON.stringify(await redis.xrange('ai:qs:audit', '-', '+'));
  expect(audit).toContain('updateStatus');
  expect(audit).toContain('job-c1');
  expect(audit).toContain('customer asked to resend');
});
