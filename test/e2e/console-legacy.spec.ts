import { expect, test } from './fixtures';

const WS = 'ws-legacy';

test('a job written by another producer shows unknown fields and unparseable JSON as stored', async ({
  page,
  baseUrl,
  redis,
}) => {
  await redis.hset('ai:jobs:legacy-1', {
    job_id: 'legacy-1',
    status: 'failed',
    action_provider: 'google',
    action_name: 'gmail.send',
    workspace_id: WS,
    actor_id: 'py-worker',
    params: "{'to': 'a'}",
    result: '{"error": "smtp"}',
    enqueued_at: '2026-01-02T03:04:05Z',
    priority: 'high',
  });
  await redis.sadd('ai:qs:workspaces', WS);
  await redis.zadd(`ai:qs:idx:${WS}`, Date.parse('2026-01-02T03:04:05Z'), 'legacy-1');

  await page.goto(`${baseUrl}#/jobs/${WS}`);
  await page
    .getByRole('table', { name: 'Jobs' })
    .getByRole('row')
    .filter({ hasText: 'legacy-1' })
    .click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  const fields = detail.getByRole('table', { name: 'Old and new copies' });
  await expect(fields.getByRole('row', { name: /priority/ })).toContainText('high');
  await expect(detail.getByText('Not valid JSON; the stored text is:')).toBeVisible();
  await expect(detail.getByLabel('params (old)')).toHaveText("{'to': 'a'}");
  // The flag has always been off here: the drawer names it as the list and the check do.
  await expect(
    detail.getByText(
      'Only in the old schema: awaiting backfill (enqueued while dual-write was off).',
    ),
  ).toBeVisible();
  // Hovering a time gives its UTC form.
  await expect(
    fields
      .getByRole('row', { name: /enqueued_at/ })
      .locator('time')
      .first(),
  ).toHaveAttribute('title', / · 2026-01-02 03:04:05\.000 UTC$/);
  // Reading never rewrites what another producer stored.
  expect(await redis.hget('ai:jobs:legacy-1', 'params')).toBe("{'to': 'a'}");
});
