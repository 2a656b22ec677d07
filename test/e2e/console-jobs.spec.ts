import { expect, test } from './fixtures';

const WS = 'ws-many';
const JOBS = 2_500;
const BIG = 'big-result';

test.use({
  // eslint-disable-next-line no-empty-pattern
  seed: async ({}, use) => {
    await use(async (core) => {
      const ids = Array.from({ length: JOBS }, (_, i) => `job-${String(i).padStart(5, '0')}`);
      for (let i = 0; i < ids.length; i += 1000) {
        const jobs = ids.slice(i, i + 1000).map((job_id, j) => ({
          workspace_id: WS,
          job_id,
          action_provider: j % 2 ? 'google' : 'slack',
          action_name: j % 2 ? 'gmail.send' : 'chat.postMessage',
          actor_id: `user-${j % 3}`,
          params: { n: i + j },
        }));
        await core.invoke('enqueueMany', { jobs });
      }
      await core.invoke('enqueue', {
        workspace_id: WS,
        job_id: BIG,
        action_provider: 'openai',
        action_name: 'batch.export',
        actor_id: 'user-big',
      });
      await core.invoke('updateStatus', { job_id: BIG, status: 'running' });
      await core.invoke('updateStatus', {
        job_id: BIG,
        status: 'completed',
        result: { rows: Array.from({ length: 20_000 }, (_, i) => ({ i, text: 'x'.repeat(30) })) },
      });
    });
  },
});

test('the jobs table keeps few rows in the DOM and loads pages as it scrolls', async ({
  page,
  baseUrl,
  redis,
}) => {
  expect(await redis.zcard(`ai:qs:idx:${WS}`)).toBe(JOBS + 1);
  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: /^ws-many/ })
    .click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(page.getByText(/^100 shown\+ · 2,501 in workspace/)).toBeVisible();
  expect(await table.getByRole('row').count()).toBeLessThan(80);

  const scroller = page.getByTestId('jobs-scroll');
  for (let i = 0; i < 40; i++) {
    if (await page.getByText(/^2,501 shown · 2,501 in workspace/).isVisible()) break;
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await page.waitForTimeout(150);
  }
  await expect(page.getByText(/^2,501 shown · 2,501 in workspace/)).toBeVisible();
  expect(await table.getByRole('row').count()).toBeLessThan(80);
  // The last of 2,501 rows (the header is row 1) is rendered at the bottom.
  await expect(async () => {
    await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(table.locator('[role="row"][aria-rowindex="2502"]')).toBeVisible({
      timeout: 1_000,
    });
  }).toPass();

  // Back at the top, the pages below are dropped so live refresh costs one page again.
  await scroller.evaluate((el) => el.scrollTo(0, 0));
  await expect(page.getByText(/^100 shown\+ · 2,501 in workspace/)).toBeVisible();
  await expect(page.getByText(/live refresh paused/)).toHaveCount(0);
});

test('keyboard: / searches, j and k move, Enter opens, Esc closes', async ({ page, baseUrl }) => {
  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: /^ws-many/ })
    .click();
  const table = page.getByRole('table', { name: 'Jobs' });
  await expect(table.getByRole('row').nth(1)).toBeVisible();
  await page.locator('body').click({ position: { x: 5, y: 890 } });

  await page.keyboard.press('/');
  const search = page.getByRole('searchbox', { name: 'Search by job id prefix' });
  await expect(search).toBeFocused();
  await page.keyboard.type('job-0012');
  await expect(table.getByRole('row')).toHaveCount(11);
  await page.keyboard.press('Escape');
  await expect(search).not.toBeFocused();

  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const active = table.locator('[role="row"].is-active');
  await expect(active).toHaveCount(1);
  // Read the active row and the row order in one pass of the page, retried until the table has
  // settled: a late re-render between two separate reads would compare two different renders.
  await expect
    .poll(() =>
      table.evaluate((el) => {
        const ids = [...el.querySelectorAll('[role="row"][data-job-id]')].map((r) =>
          r.getAttribute('data-job-id'),
        );
        return ids.indexOf(
          el.querySelector('[role="row"].is-active')?.getAttribute('data-job-id') ?? null,
        );
      }),
    )
    .toBe(1);
  const activeId = await active.getAttribute('data-job-id');

  await page.keyboard.press('Enter');
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await expect(detail.getByRole('heading', { name: activeId! })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(detail).toBeHidden();
});

test('a result of about 1 MB opens collapsed and is shown truncated until "Show all"', async ({
  page,
  baseUrl,
  redis,
}) => {
  const stored = (await redis.hget(`ai:jobs:${BIG}`, 'result'))!;
  expect(stored.length).toBeGreaterThan(800_000);
  // A deep link lands on the workspace's jobs without going through the navigation.
  await page.goto(`${baseUrl}#/jobs/${WS}`);
  await expect(
    page.getByRole('navigation', { name: 'Workspaces' }).getByRole('button', { name: /^ws-many/ }),
  ).toHaveAttribute('aria-current', 'page');
  await page.getByRole('searchbox', { name: 'Search by job id prefix' }).fill(BIG);
  await page.getByRole('table', { name: 'Jobs' }).getByRole('row').filter({ hasText: BIG }).click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  const summary = detail.getByText(/^result \(old\) \(\d+\.\d kB\)$/);
  await expect(summary).toBeVisible();
  await expect(detail.getByLabel('result (old)')).toHaveCount(0);

  await summary.click();
  const shown = detail.getByLabel('result (old)');
  await expect(shown).toBeVisible();
  const preview = (await shown.textContent())!;
  expect(preview.length).toBe(20_000);
  await detail
    .getByRole('button', { name: /^Show all \(/ })
    .first()
    .click();
  await expect(detail.getByRole('button', { name: /^Show all \(/ })).toHaveCount(0);
  expect(((await shown.textContent()) ?? '').length).toBe(
    JSON.stringify(JSON.parse(stored), null, 2).length,
  );
});
