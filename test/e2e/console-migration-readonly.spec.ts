import { expect, test } from './fixtures';

test.use({ readOnly: true });

test('read-only: the flag switch is disabled and says why, and the host refuses the write', async ({
  page,
  baseUrl,
  redis,
}) => {
  await redis.set('ai:flags:new_schema', 'off');
  await page.goto(baseUrl);
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Migration' })
    .click();
  const toggle = page.getByRole('switch', { name: 'Dual-write to new schema' });
  await expect(toggle).toBeDisabled();
  await expect(toggle).toHaveAttribute('title', /read-only/);
  await expect(toggle).toHaveAttribute('aria-checked', 'false');

  const url = new URL(baseUrl);
  const response = await page.request.post(new URL('/api/setFlag', url).toString(), {
    headers: { 'x-queuescope-token': url.searchParams.get('token') ?? '' },
    data: { value: 'on', actor_id: 'mallory' },
  });
  expect(response.status()).toBe(403);
  expect((await response.json()).error.code).toBe('READ_ONLY');
  expect(await redis.get('ai:flags:new_schema')).toBe('off');
  expect(await redis.xlen('ai:qs:audit')).toBe(0);

  // The other screens of this area stay usable while read-only.
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Audit' })
    .click();
  await expect(page.getByRole('searchbox', { name: 'Filter audit' })).toBeEnabled();
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Metrics' })
    .click();
  await expect(page.getByRole('radio', { name: '7 d' })).toBeEnabled();
});
