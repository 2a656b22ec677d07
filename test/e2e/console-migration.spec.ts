import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

const FLAG = 'ai:flags:new_schema';

async function openMigration(page: Page, baseUrl: string, operator?: string) {
  await page.goto(baseUrl);
  if (operator) await page.getByRole('textbox', { name: 'Operator' }).fill(operator);
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Migration' })
    .click();
  return page.getByRole('switch', { name: 'Dual-write to new schema' });
}

test('turning dual-write on asks first, says what changes, and the next enqueue writes both schemas', async ({
  page,
  baseUrl,
  redis,
  core,
}) => {
  const toggle = await openMigration(page, baseUrl, 'alice');
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByText('Off: enqueues write the old schema only.')).toBeVisible();

  await toggle.click();
  const dialog = page.getByRole('dialog', { name: 'Turn dual-write on?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText('written to both schemas');
  await expect(dialog).toContainText('missing in new');
  await expect(dialog).toContainText('alice');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  expect(await redis.get(FLAG)).toBeNull();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');

  await toggle.click();
  await dialog.getByRole('button', { name: 'Turn dual-write on' }).click();
  await expect(dialog).toBeHidden();
  await expect(toggle).toHaveAttribute('aria-checked', 'true');
  await expect(page.getByText('On: every enqueue writes the job to both')).toBeVisible();
  expect(await redis.get(FLAG)).toBe('on');
  const [[, fields]] = (await redis.xrevrange('ai:qs:audit', '+', '-', 'COUNT', 1)) as [
    [string, string[]],
  ];
  expect(fields).toEqual(
    expect.arrayContaining(['actor', 'alice', 'operation', 'setFlag', 'outcome', 'ok']),
  );

  await core.invoke('enqueue', {
    workspace_id: 'ws-1',
    action_provider: 'google',
    action_name: 'gmail.send',
    actor_id: 'u',
    job_id: 'after-flip',
  });
  expect(await redis.exists('ai:jobs:after-flip', 'ai:job:ws-1:after-flip')).toBe(2);

  await toggle.click();
  const off = page.getByRole('dialog', { name: 'Turn dual-write off?' });
  await expect(off).toContainText('old schema only');
  await off.getByRole('button', { name: 'Turn dual-write off' }).click();
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  expect(await redis.get(FLAG)).toBe('off');
});

test('a flip made by another client shows up without a reload, and is audited as external', async ({
  page,
  baseUrl,
  redis,
}) => {
  const toggle = await openMigration(page, baseUrl);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');
  await expect(page.getByText('AI_JOBS_NEW_SCHEMA')).toBeVisible();

  await redis.set(FLAG, 'on');
  await expect(toggle).toHaveAttribute('aria-checked', 'true', { timeout: 15_000 });
  await expect(page.getByText('AI_JOBS_NEW_SCHEMA')).toBeHidden();

  await redis.set(FLAG, 'off');
  await expect(toggle).toHaveAttribute('aria-checked', 'false', { timeout: 15_000 });
  expect(await redis.get(FLAG)).toBe('off');
  // The host that watched records each flip once, as made outside Queuescope (docs/connection.md).
  await expect
    .poll(async () =>
      (await redis.xrange('ai:qs:audit', '-', '+')).map(([, f]) => `${f[3]} ${f[7]}`),
    )
    .toEqual([
      expect.stringMatching(/^external \(seen by host .+\) new_schema=on$/),
      expect.stringMatching(/^external \(seen by host .+\) new_schema=off$/),
    ]);
});
