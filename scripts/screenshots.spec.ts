// `npm run screenshots`: seeds the demo into a private Redis, opens each screen in Chromium
// through the web host and writes docs/screenshots/<screen>.png for the README.
import type { Page } from '@playwright/test';
import type { Redis } from 'ioredis';
import type { QueueCore } from '../electron/core/core';
import { keys } from '../electron/core/keys';
import { expect, test } from '../test/e2e/fixtures';

// The demo imports the core, whose Lua comes in as `?raw` imports: loaded once the fixtures have
// taught Node that form (test/e2e/fixtures.ts), not while this file's static imports are resolved.
const loadDemo = () => import('../electron/demo');

const OUT = 'docs/screenshots';
const shot = (page: Page, name: string) => page.screenshot({ path: `${OUT}/${name}.png` });

/**
 * The seeded jobs all land in the current minute, so the charts get an hour of simulated producer
 * traffic (with a burst of failures) written the way the enqueue script writes its buckets.
 */
async function simulateHourOfTraffic(redis: Redis, workspaces: string[]) {
  let state = 7;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const now = Date.now();
  const pipeline = redis.pipeline();
  for (let ago = 60; ago >= 1; ago--) {
    const minute = now - (now % 60_000) - ago * 60_000;
    const bucket = keys.metricsBucket(minute);
    workspaces.forEach((ws, i) => {
      const base = 18 + 10 * i + 8 * Math.sin((ago + 9 * i) / 7);
      const succeeded = Math.max(0, Math.round(base + random() * 6));
      const burst = ago >= 22 && ago <= 27 && i === 1;
      const failed = burst ? 4 + Math.round(random() * 6) : random() < 0.15 ? 1 : 0;
      pipeline.hincrby(bucket, `${ws}|succeeded`, succeeded);
      if (failed) pipeline.hincrby(bucket, `${ws}|failed`, failed);
    });
    const depth = Math.round(40 + 25 * Math.sin(ago / 9) + (ago >= 22 && ago <= 30 ? 60 : 0));
    pipeline.hset(bucket, 'queue_depth', depth);
    pipeline.expire(bucket, 3600 * 2);
  }
  await pipeline.exec();
}

/** The `seed` option is itself a fixture: it hands the host fixture a function to run. */
// eslint-disable-next-line no-empty-pattern
const demo = async ({}, use: (seed: (core: QueueCore) => Promise<void>) => Promise<void>) => {
  await use(async (core) => {
    const { seedDemo } = await loadDemo();
    await seedDemo(core, { workspaces: 4, seed: 7 });
  });
};

async function openWorkspace(page: Page, baseUrl: string, redis: Redis) {
  await page.goto(baseUrl);
  const workspace = (await redis.smembers('ai:qs:workspaces')).sort()[0]!;
  await page
    .getByRole('navigation', { name: 'Workspaces' })
    .getByRole('button', { name: new RegExp(workspace) })
    .click();
  const rows = page.getByRole('table', { name: 'Jobs' }).locator('[data-job-id]');
  await expect(rows.first()).toBeVisible();
  await expect(page.getByRole('status', { name: /Connection state: Connected/ })).toBeVisible();
  return rows;
}

const screen = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Screens' }).getByRole('button', { name }).click();

test.describe('writable console', () => {
  test.use({ seed: demo });

  test('jobs, job detail, enqueue, migration, metrics, audit', async ({ page, baseUrl, redis }) => {
    await simulateHourOfTraffic(redis, (await redis.smembers('ai:qs:workspaces')).sort());
    const rows = await openWorkspace(page, baseUrl, redis);
    await page.getByRole('textbox', { name: 'Operator' }).fill('ops.alice');
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, 'jobs');

    const divergent = page.locator('[data-job-id]', { has: page.locator('.sync-mismatch') });
    await ((await divergent.count()) ? divergent.first() : rows.nth(2)).click();
    await expect(page.getByRole('complementary', { name: 'Job detail' })).toBeVisible();
    await shot(page, 'job-detail');
    await page.keyboard.press('Escape');

    await screen(page, 'Enqueue job');
    const form = page.getByRole('form', { name: 'Enqueue job' });
    await form.getByLabel('Actor').fill('ops.alice');
    await form.getByLabel('Provider').fill('google');
    await form.getByLabel('Action').fill('gmail.send');
    await form
      .getByLabel('Params')
      .fill(
        '{\n  "to": "marco@acme.example",\n  "subject": "Quarterly report",\n  "track_opens": true\n}',
      );
    await form.getByRole('button', { name: 'Enqueue' }).click();
    await expect(form.getByText(/enqueued/i).first()).toBeVisible();
    await shot(page, 'enqueue');

    await screen(page, 'Migration');
    await expect(page.getByRole('table', { name: 'New schema coverage' })).toBeVisible();
    await shot(page, 'migration');
    await page.getByRole('switch', { name: 'Dual-write to new schema' }).click();
    await expect(page.getByRole('dialog', { name: 'Turn dual-write off?' })).toBeVisible();
    await shot(page, 'migration-confirm');
    await page.getByRole('button', { name: 'Cancel' }).click();
    const divergence = page.getByRole('region', { name: 'Divergence between the schemas' });
    await divergence.getByRole('button', { name: 'Run divergence check' }).click();
    await expect(divergence.getByRole('table', { name: 'Divergent jobs' })).toBeVisible({
      timeout: 30_000,
    });
    await divergence.getByRole('table', { name: 'Divergent jobs' }).getByRole('row').nth(1).click();
    await page.waitForTimeout(300);
    await divergence.scrollIntoViewIfNeeded();
    await shot(page, 'divergence');

    await screen(page, 'Metrics');
    await expect(page.locator('.uplot-host canvas')).toHaveCount(3);
    await page.waitForTimeout(300);
    await shot(page, 'metrics');

    await screen(page, 'Audit');
    await expect(page.getByRole('table', { name: 'Audit' })).toContainText(
      (await loadDemo()).DEMO_ACTOR,
    );
    await shot(page, 'audit');
  });

  test('redis down', async ({ page, baseUrl, redis, server }) => {
    const rows = await openWorkspace(page, baseUrl, redis);
    await rows.nth(1).click();
    await page.keyboard.press('Escape');
    await server.kill();
    await expect(page.getByRole('alert').first()).toBeVisible({ timeout: 30_000 });
    await page.waitForTimeout(1500);
    await shot(page, 'redis-down');
    await server.restart();
  });
});

test.describe('read-only console', () => {
  test.use({ seed: demo, readOnly: true });

  test('read-only', async ({ page, baseUrl, redis }) => {
    const rows = await openWorkspace(page, baseUrl, redis);
    const failed = page.locator('[data-job-id]', { has: page.locator('.chip-failed') });
    await ((await failed.count()) ? failed.first() : rows.first()).click();
    await expect(page.getByRole('complementary', { name: 'Job detail' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Retry', exact: true }).first()).toBeDisabled();
    await shot(page, 'read-only');
  });
});

/** A part of one job id that a few other ids share too, so "Find job" lists several matches. */
async function sharedIdPart(redis: Redis): Promise<string> {
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
    cursor = next;
    ids.push(...batch.map((key) => key.slice('ai:jobs:'.length)));
  } while (cursor !== '0');
  for (const id of ids) {
    for (let at = id.length - 4; at > id.length / 2; at--) {
      const part = id.slice(at, at + 3);
      const count = ids.filter((other) => other.includes(part)).length;
      if (count >= 3 && count <= 5) return part;
    }
  }
  return ids[0]!.slice(0, 6);
}

test.describe('overview, find, triage and queue', () => {
  test.use({ seed: demo });

  test('overview, find job, triage drawer, queue', async ({ page, baseUrl, redis, core }) => {
    await simulateHourOfTraffic(redis, (await redis.smembers('ai:qs:workspaces')).sort());
    await core.invoke('divergenceCheck', {});
    await page.goto(baseUrl);
    await page.getByRole('textbox', { name: 'Operator' }).fill('ops.alice');
    await expect(page.getByRole('table', { name: 'Workspaces at a glance' })).toBeVisible();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, 'overview');

    await core.invoke('setFlag', { value: 'off', actor_id: 'ops.alice' });
    await expect(page.getByRole('status', { name: 'Dual-write is off' })).toBeVisible();
    await page.getByRole('button', { name: 'Refresh overview' }).click();
    await page.waitForTimeout(500);
    await shot(page, 'dual-write-off');
    await core.invoke('setFlag', { value: 'on', actor_id: 'ops.alice' });
    await expect(page.getByRole('status', { name: 'Dual-write is off' })).toHaveCount(0);

    const find = page.getByRole('searchbox', { name: 'Find job' });
    await find.fill(await sharedIdPart(redis));
    await find.press('Enter');
    await expect(page.getByRole('list', { name: 'Matching jobs' })).toBeVisible();
    await shot(page, 'find-job');
    await page.keyboard.press('Escape');
    await find.fill('');

    const failed = [];
    for (const ws of (await redis.smembers('ai:qs:workspaces')).sort()) {
      const page1 = await core.invoke('listJobs', { workspace_id: ws, status: 'failed' });
      failed.push(...page1.rows.filter((r) => r.error).map((r) => ({ ws, id: r.job_id })));
    }
    const target = failed[0]!;
    await page.goto(`${baseUrl}#/jobs/${target.ws}/${target.id}`);
    const drawer = page.getByRole('complementary', { name: 'Job detail' });
    await expect(drawer.getByLabel('Error')).toBeVisible();
    await page.waitForTimeout(300);
    await shot(page, 'triage-drawer');
    await page.keyboard.press('Escape');
    await page.goto(`${baseUrl}#/jobs/${target.ws}?status=failed`);
    await expect(
      page.getByRole('table', { name: 'Jobs' }).locator('.cell-error').first(),
    ).not.toBeEmpty();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, 'jobs-errors');

    await page.goto(`${baseUrl}#/queue`);
    await expect(
      page.getByRole('table', { name: 'Queue' }).locator('tbody tr').first(),
    ).toBeVisible();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await shot(page, 'queue');
    await page
      .getByRole('table', { name: 'Queue' })
      .locator('tbody tr')
      .nth(2)
      .getByRole('button', { name: /^Remove .* from the queue$/ })
      .click();
    const dialog = page.getByRole('dialog', { name: /from the queue\?$/ });
    await dialog
      .getByLabel('Reason (required)')
      .fill('Payload crashes the worker (ticket OPS-1182)');
    await shot(page, 'queue-remove');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
});

test.describe('narrow window', () => {
  test.use({ seed: demo, viewport: { width: 1024, height: 700 } });

  test('1024 px', async ({ page, baseUrl, redis }) => {
    await openWorkspace(page, baseUrl, redis);
    await expect(page.locator('.badge-latency')).toBeVisible();
    await shot(page, 'narrow-1024');
  });
});
