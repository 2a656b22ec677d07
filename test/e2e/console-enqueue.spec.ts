import { fillJob, openEnqueueForm } from './enqueue-form';
import { expect, test } from './fixtures';

test('enqueue shows the outcome, and the same Request ID again is a duplicate linking to the original', async ({
  page,
  baseUrl,
  redis,
}) => {
  const form = await openEnqueueForm(page, baseUrl);
  await fillJob(form, {
    workspace: 'ws-e2e',
    provider: 'google',
    action: 'gmail.send',
    actor: 'user-7',
  });

  const params = form.getByLabel('Params');
  await params.fill('{"to": ');
  await expect(form.getByText(/Params is not valid JSON/)).toBeVisible();
  await expect(form.getByRole('button', { name: 'Enqueue' })).toBeDisabled();
  await params.fill('["a"]');
  await expect(
    form.getByText('Params must be a JSON object like {"to": "a@example.com"}, not an array.'),
  ).toBeVisible();
  await params.fill('{"to": "a@example.com"}');
  await expect(form.getByText('Valid JSON object')).toBeVisible();

  const requestId = await form.getByLabel('Request ID').inputValue();
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  await form.getByRole('button', { name: 'Enqueue' }).click();
  const outcome = form.getByRole('status');
  await expect(outcome).toContainText('Enqueued job');
  const jobId = (await outcome.getByRole('link').textContent())!;

  expect(await redis.hget(`ai:jobs:${jobId}`, 'status')).toBe('pending');
  expect(JSON.parse((await redis.hget(`ai:jobs:${jobId}`, 'params'))!)).toEqual({
    to: 'a@example.com',
  });
  expect(await redis.lrange('ai:queue:pending', 0, -1)).toEqual([jobId]);
  expect(await redis.get(`ai:idempotency:ws-e2e:${requestId}`)).toBe(jobId);

  await form.getByRole('button', { name: 'Enqueue' }).click();
  await expect(outcome).toContainText('Duplicate: this Request ID was already used');
  await expect(outcome.getByRole('link')).toHaveText(jobId);
  expect(await redis.lrange('ai:queue:pending', 0, -1)).toEqual([jobId]);
  const [, oldKeys] = await redis.scan('0', 'MATCH', 'ai:jobs:*', 'COUNT', 1000);
  expect(oldKeys).toEqual([`ai:jobs:${jobId}`]);

  await outcome.getByRole('link').click();
  const detail = page.getByRole('complementary', { name: 'Job detail' });
  await expect(detail.getByRole('heading', { name: jobId })).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Jobs' }).getByRole('row', { name: new RegExp(jobId) }),
  ).toBeVisible();
});

test('the contract rejects bad input with its own message next to the field, and nothing is written', async ({
  page,
  baseUrl,
  redis,
}) => {
  // What an enqueue would write; the host's own queue depth samples (docs/connection.md) aside.
  const written = async () =>
    (await redis.keys('*')).filter((key) => !/^ai:qs:(dw|depth-lock):/.test(key));
  const form = await openEnqueueForm(page, baseUrl);
  await fillJob(form, {
    workspace: 'bad:ws',
    provider: 'google',
    action: 'gmail.send',
    actor: 'user-7',
  });
  await form.getByRole('button', { name: 'Enqueue' }).click();
  const workspace = form.getByRole('textbox', { name: 'New workspace id' });
  await expect(workspace).toHaveAttribute('aria-invalid', 'true');
  await expect(
    form.getByText(/workspace_id must be 1–128 characters .* \(got "bad:ws"\)/),
  ).toBeVisible();
  expect(await written()).toEqual([]);

  await workspace.fill('ws-e2e');
  await form.getByLabel('Request ID').fill('has space');
  await form.getByRole('button', { name: 'Enqueue' }).click();
  await expect(form.getByText(/client_request_id must be/)).toBeVisible();
  expect(await written()).toEqual([]);
});
