import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

// docs/console.md: "Enqueue form", "Keyboard", "Theme", "Dates".
const shot = async (page: Page, name: string) => {
  if (process.env.QS_SCREENSHOTS)
    await page.screenshot({ path: join(process.env.QS_SCREENSHOTS, `${name}.png`) });
};

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) =>
    use(async (core) => {
      for (const ws of ['acme', 'globex'])
        await core.invoke('enqueue', {
          workspace_id: ws,
          job_id: `first-${ws}`,
          action_provider: 'google',
          action_name: 'gmail.send',
          actor_id: 'u-1',
        });
    }),
});

test('the enqueue form picks a known workspace, takes a new one only when chosen, checks fields when left and clears an error once fixed', async ({
  page,
  baseUrl,
  redis,
}) => {
  await page.goto(`${baseUrl}#/enqueue`);
  const form = page.getByRole('form', { name: 'Enqueue job' });
  const picker = form.getByRole('combobox', { name: 'Workspace' });
  await expect(picker.locator('option')).toHaveText(['acme', 'globex', 'New workspace…']);
  await expect(picker).toHaveValue('acme');
  await expect(form.getByRole('textbox', { name: 'New workspace id' })).toBeHidden();

  // Checked when left, not only on submit, in the core's own words.
  const actor = form.getByRole('textbox', { name: 'Actor' });
  await actor.focus();
  await form.getByRole('textbox', { name: 'Provider' }).focus();
  await expect(actor).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByText('actor_id must not be empty')).toBeVisible();
  await actor.fill('u-7');
  await expect(actor).toHaveAttribute('aria-invalid', 'false');
  await expect(form.getByText('actor_id must not be empty')).toBeHidden();

  // A new workspace is an explicit choice, and a typo in it is caught when the field is left.
  await picker.selectOption({ label: 'New workspace…' });
  const typed = form.getByRole('textbox', { name: 'New workspace id' });
  await typed.fill('acme corp');
  await typed.blur();
  await expect(
    form.getByText(/workspace_id must be 1–128 characters .*\(got "acme corp"\)/),
  ).toBeVisible();
  await form.getByRole('textbox', { name: 'Provider' }).fill('google');
  await form.getByRole('textbox', { name: 'Action' }).fill('gmail.send');
  await form.getByRole('button', { name: 'Enqueue' }).click();
  expect(await redis.exists('ai:qs:idx:acme corp')).toBe(0);
  await typed.fill('initech');
  await expect(form.getByText(/workspace_id must be/)).toBeHidden();
  await expect(
    form.getByText('Not one of the known workspaces: its first job creates it.'),
  ).toBeVisible();
  await shot(page, 'enqueue-new-workspace');
  await form.getByRole('button', { name: 'Enqueue' }).click();
  await expect(form.getByRole('status')).toContainText('Enqueued job');
  expect(await redis.sismember('ai:qs:workspaces', 'initech')).toBe(1);
});

test('an error the core returned for a field goes away once that field is changed', async ({
  page,
  baseUrl,
}) => {
  await page.goto(`${baseUrl}#/enqueue`);
  const form = page.getByRole('form', { name: 'Enqueue job' });
  await form.getByRole('textbox', { name: 'Actor' }).fill('u-7');
  await form.getByRole('textbox', { name: 'Provider' }).fill('google');
  await form.getByRole('textbox', { name: 'Action' }).fill('gmail.send');
  // Params over the core's size limit: only the core knows the limit, so only it can say.
  await form.getByLabel('Params').fill(JSON.stringify({ blob: 'x'.repeat(1_100_000) }));
  await form.getByRole('button', { name: 'Enqueue' }).click();
  const error = form.getByText(/params .*(1 MiB|bytes|limit)/i);
  await expect(error).toBeVisible();
  await form.getByLabel('Params').fill('{"to": "a@example.com"}');
  await expect(error).toBeHidden();
});

test('"?" lists the keyboard shortcuts; the theme switch follows the OS, or stays light or dark across reloads; dates read one way with the relative time on hover', async ({
  page,
  baseUrl,
}) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(`${baseUrl}#/jobs/acme`);
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.locator('[data-job-id]')).toHaveCount(1);

  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help.getByRole('table', { name: 'Keyboard shortcuts' })).toContainText(
    'Next / previous job in the table',
  );
  await shot(page, 'shortcuts');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();
  // Typing "?" into a field types it.
  const search = page.getByRole('searchbox', { name: 'Search by job id prefix' });
  await search.fill('?');
  await expect(help).toBeHidden();
  await search.fill('');

  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  const theme = page.getByRole('combobox', { name: 'Theme' });
  await expect(theme).toHaveValue('system');
  const light = await background();
  await page.emulateMedia({ colorScheme: 'dark' });
  const osDark = await background();
  expect(osDark).not.toBe(light);
  await theme.selectOption('light');
  expect(await background()).toBe(light);
  await page.reload();
  await expect(page.getByRole('combobox', { name: 'Theme' })).toHaveValue('light');
  expect(await background()).toBe(light);
  await page.getByRole('combobox', { name: 'Theme' }).selectOption('dark');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await background()).toBe(osDark);
  await shot(page, 'dark');

  // One date format, with how long ago on hover.
  const enqueued = table.locator('[data-job-id] time').first();
  await expect(enqueued).toHaveText(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  await enqueued.hover();
  await expect(enqueued).toHaveAttribute(
    'title',
    /^(just now|\d+ (s|min) ago) · \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/,
  );
});
