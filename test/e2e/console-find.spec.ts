import type { Page } from '@playwright/test';
import type { QueueCore } from '../../electron/core/core';
import { expect, test } from './fixtures';

const job = (job_id: string, workspace_id: string, actor_id = 'user-1') => ({
  workspace_id,
  job_id,
  action_provider: 'google',
  action_name: 'gmail.send',
  actor_id,
});

const LONG_ID = '01JD8Y3K2Q7M4N5P6R7S8T9VWXYZ-tail-4f2a9c';

async function seedTwoWorkspaces(core: QueueCore) {
  await core.invoke('setFlag', { value: 'on', actor_id: 'e2e' });
  await core.invoke('enqueueMany', {
    jobs: [
      job('01JD8Y3K00AAAA000000000001', 'ws-a'),
      job('01JD8Y3K00AAAA000000000002', 'ws-a', 'Ops.Alice'),
      job('01JD8Y3K00BBBB00000000FIND', 'ws-b'),
      job(LONG_ID, 'ws-a'),
    ],
  });
}

const findBox = (page: Page) => page.getByRole('searchbox', { name: 'Find job' });
const drawer = (page: Page) => page.getByRole('complementary', { name: 'Job detail' });

/** docs/triage.md "Find any job" and "Links". */
test.describe('find any job', () => {
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) => use(seedTwoWorkspaces),
  });

  test('"Find job" opens a job in its own workspace from any screen, by a unique part of its id in any case', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(`${baseUrl}#/queue`);
    await expect(page.getByRole('table', { name: 'Queue' })).toBeVisible();
    await findBox(page).fill('bbbb00000000find');
    await findBox(page).press('Enter');
    await expect(
      drawer(page).getByRole('heading', { name: '01JD8Y3K00BBBB00000000FIND' }),
    ).toBeVisible();
    await expect(
      page.getByRole('navigation', { name: 'Workspaces' }).getByRole('button', { name: /^ws-b/ }),
    ).toHaveAttribute('aria-current', 'page');
    await expect(page).toHaveURL(/#\/jobs\/ws-b\/01JD8Y3K00BBBB00000000FIND$/);
  });

  test('several matches are listed with their workspace; the one picked opens', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(baseUrl);
    await findBox(page).fill('01JD8Y3K00');
    await findBox(page).press('Enter');
    const results = page.getByRole('region', { name: 'Find job results' });
    await expect(results).toContainText('3 jobs match; pick one.');
    const matches = results.getByRole('list', { name: 'Matching jobs' }).getByRole('button');
    await expect(matches).toHaveCount(3);
    await expect(matches.nth(2)).toContainText('ws-b');
    await page.keyboard.press('ArrowDown');
    await expect(matches.first()).toBeFocused();
    await matches.nth(1).click();
    await expect(
      drawer(page).getByRole('heading', { name: '01JD8Y3K00AAAA000000000002' }),
    ).toBeVisible();
    await expect(results).toHaveCount(0);
  });

  test('finds a job another producer wrote, in no index and no known workspace', async ({
    page,
    baseUrl,
    redis,
  }) => {
    await redis.hset('ai:jobs:py-7f3e9a1c', {
      job_id: 'py-7f3e9a1c',
      status: 'failed',
      workspace_id: 'ws-python',
      action_provider: 'slack',
      action_name: 'chat.postMessage',
      actor_id: 'py-worker',
      params: '{"channel": "#ops"}',
      result: '{"error": "channel_not_found", "message": "No such channel"}',
    });
    expect(await redis.sismember('ai:qs:workspaces', 'ws-python')).toBe(0);
    await page.goto(baseUrl);
    await findBox(page).fill('7F3E9A');
    await findBox(page).press('Enter');
    await expect(drawer(page).getByRole('heading', { name: 'py-7f3e9a1c' })).toBeVisible();
    await expect(drawer(page).getByLabel('Error')).toContainText(
      'channel_not_found: No such channel',
    );
    await expect(page).toHaveURL(/#\/jobs\/ws-python\/py-7f3e9a1c$/);
  });

  test('nothing found says so after searching every key', async ({ page, baseUrl }) => {
    await page.goto(baseUrl);
    await findBox(page).fill('no-such-id');
    await findBox(page).press('Enter');
    await expect(page.getByRole('region', { name: 'Find job results' })).toContainText(
      'No job id contains “no-such-id”: every key was searched.',
    );
    await page.keyboard.press('Escape');
    await expect(page.getByRole('region', { name: 'Find job results' })).toHaveCount(0);
    await expect(findBox(page)).toBeFocused();
  });

  test('links open a job, a workspace with its filters, and a metrics window; the address follows the screen', async ({
    page,
    baseUrl,
  }) => {
    await page.goto(`${baseUrl}#/jobs/ws-a/${LONG_ID}`);
    await expect(drawer(page).getByRole('heading', { name: LONG_ID })).toBeVisible();

    await page.goto(`${baseUrl}#/jobs/ws-a?status=pending&actor=ALICE`);
    await page.reload();
    const toolbar = page.getByRole('search', { name: 'Filter jobs' });
    await expect(toolbar.getByLabel('Filter by status')).toHaveValue('pending');
    await expect(toolbar.getByLabel('Filter by actor')).toHaveValue('ALICE');
    const rows = page.getByRole('table', { name: 'Jobs' }).locator('[data-job-id]');
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAttribute('data-job-id', '01JD8Y3K00AAAA000000000002');
    await toolbar.getByLabel('Filter by action').fill('gmail');
    await expect(page).toHaveURL(/#\/jobs\/ws-a\?status=pending&action=gmail&actor=ALICE$/);
    await rows.first().click();
    await expect(page).toHaveURL(/#\/jobs\/ws-a\/01JD8Y3K00AAAA000000000002\?status=pending/);

    await page.goto(`${baseUrl}#/metrics?window=6h&workspace=ws-b`);
    await page.reload();
    await expect(page.getByRole('radio', { name: '6 h' })).toHaveAttribute('aria-checked', 'true');
    await expect(page.getByRole('combobox', { name: 'Workspace' })).toHaveValue('ws-b');
    await page.getByRole('radio', { name: '24 h' }).click();
    await expect(page).toHaveURL(/#\/metrics.*\?window=24h&workspace=ws-b$/);
  });

  test('the jobs table shows full ids, elided in the middle when narrow, with a copy button', async ({
    page,
    baseUrl,
    context,
  }) => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.goto(`${baseUrl}#/jobs/ws-a`);
    const row = page.getByRole('table', { name: 'Jobs' }).locator(`[data-job-id="${LONG_ID}"]`);
    const cell = row.locator('.cell-id');
    await expect(cell).toHaveText(LONG_ID);
    // The id's distinctive end stays in view, whatever the column's width.
    const tail = cell.locator('.job-id-tail');
    await expect(tail).toHaveText(LONG_ID.slice(-8));
    const [tailBox, cellBox] = [await tail.boundingBox(), await cell.boundingBox()];
    expect(tailBox!.x + tailBox!.width).toBeLessThanOrEqual(cellBox!.x + cellBox!.width);
    await row.hover();
    await row.getByRole('button', { name: `Copy job id ${LONG_ID}` }).click();
    await expect(row.getByRole('button', { name: 'Copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(LONG_ID);
    await expect(drawer(page)).toHaveCount(0);
  });
});

/** docs/triage.md "Filters": any part, any case, in bounded steps that show how far they got. */
test.describe('action and actor filters on a big workspace', () => {
  const TOTAL = 25_000;
  test.use({
    // eslint-disable-next-line no-empty-pattern
    seed: async ({}, use) =>
      use(async (core) => {
        for (let i = 0; i < TOTAL; i += 1000) {
          await core.invoke('enqueueMany', {
            jobs: Array.from({ length: 1000 }, (_, j) =>
              job(
                `big-${String(i + j).padStart(6, '0')}`,
                'ws-big',
                i + j === 0 ? 'Needle.Person' : 'crowd',
              ),
            ),
          });
        }
      }),
  });

  test('an actor filter matching only the oldest job searches in bounded steps, showing progress', async ({
    page,
    baseUrl,
  }) => {
    const searched: number[] = [];
    page.on('response', async (response) => {
      if (!response.url().endsWith('/api/listJobs')) return;
      const body = (await response.json()) as { data?: { searched?: number } };
      if (body.data?.searched !== undefined) searched.push(body.data.searched);
    });
    await page.goto(`${baseUrl}#/jobs/ws-big`);
    await expect(page.getByText(/^100 shown\+ · 25,000 in workspace/)).toBeVisible();
    await page.getByLabel('Filter by actor').fill('needle');
    const rows = page.getByRole('table', { name: 'Jobs' }).locator('[data-job-id]');
    await expect(rows).toHaveCount(1, { timeout: 30_000 });
    await expect(rows.first()).toHaveAttribute('data-job-id', 'big-000000');
    await expect(
      page.getByText(
        /^1 shown · 25,000 in workspace · newest first · live refresh paused while the filter searches in steps · searched 25,000 of 25,000$/,
      ),
    ).toBeVisible();
    // Each call searched at most 10,000 entries more than the one before.
    expect(searched.length).toBeGreaterThanOrEqual(3);
    searched.forEach((n, i) => expect(n - (searched[i - 1] ?? 0)).toBeLessThanOrEqual(10_000));
  });
});
