import type { Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProfileView } from '../../shared/contract';
import type { DesktopApp } from '../integration/ipc-fakes';
import { freePort, startRedisServer } from '../helpers/redis-server';
import { startSentinelSet } from '../helpers/redis-sentinel';
import { makeTlsFiles, tlsUnavailable } from '../helpers/tls-certs';
import { openDesktop } from './desktop-harness';
import { expect, test } from './fixtures';

const shots = process.env.QS_SCREENSHOTS;

async function saveProfile(app: DesktopApp, input: Record<string, unknown>) {
  const response = await app.call<ProfileView>('saveProfile', input);
  if (!response.ok) throw new Error(response.error.message);
  return response.data;
}

/** From the console's first page: the connections dialog opened on an empty "New connection" form. */
async function openNewConnection(page: Page, baseUrl: string) {
  await page.goto(baseUrl);
  const select = page.getByRole('combobox', { name: 'Connection' });
  await select.selectOption({ label: 'Manage connections…' });
  const dialog = page.getByRole('dialog', { name: 'Connections' });
  await dialog.getByRole('button', { name: 'Add connection' }).click();
  return { select, dialog, form: page.getByRole('form', { name: 'New connection' }) };
}

const enqueueButton = async (page: Page) => {
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  return page.getByRole('form', { name: 'Enqueue job' }).getByRole('button', { name: 'Enqueue' });
};

test('desktop profiles: list, add without echoing the password, switch, unlock, re-lock on a new target', async ({
  page,
  baseUrl,
  server,
}) => {
  const prodServer = await startRedisServer();
  const prodAdmin = prodServer.client();
  await prodAdmin.config('SET', 'requirepass', 'prod-secret-1');
  const { app, calls } = await openDesktop(page, { redisUrl: server.url });
  try {
    const prod = await saveProfile(app, {
      name: 'Production',
      url: prodServer.url,
      username: 'default',
      password: 'prod-secret-1',
    });
    const staging = await saveProfile(app, { name: 'Staging', url: server.url });
    await app.call('connectProfile', { id: prod.id });
    await page.goto(baseUrl);

    const select = page.getByRole('combobox', { name: 'Connection' });
    await expect(select).toHaveValue(prod.id);
    await expect(select.getByRole('option')).toHaveText([
      'Production',
      'Staging',
      /─/,
      'Start local sandbox',
      'Manage connections…',
    ]);
    await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();
    await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
    if (shots)
      await page.locator('.topbar').screenshot({ path: join(shots, 'connections-switcher.png') });

    // Add a profile; a bad URL first, to see the store's message inline.
    await select.selectOption({ label: 'Manage connections…' });
    const dialog = page.getByRole('dialog', { name: 'Connections' });
    await expect(dialog.getByRole('listitem')).toHaveCount(2);
    await expect(dialog.getByRole('listitem', { name: 'Production' })).toContainText(
      'password stored',
    );
    if (shots) await page.screenshot({ path: join(shots, 'connections-dialog.png') });
    await dialog.getByRole('button', { name: 'Add connection' }).click();
    const form = page.getByRole('form', { name: 'New connection' });
    await expect(form.getByRole('radio', { name: /Stored, encrypted/ })).toBeChecked();
    await form.getByLabel('Name', { exact: true }).fill('Analytics');
    await form.getByLabel('Redis URL', { exact: true }).fill('analytics.internal:6379');
    await form.getByLabel('TLS', { exact: true }).check();
    await form.getByLabel('Username', { exact: true }).fill('reader');
    const password = 'hunter2-never-shown';
    await form.getByLabel('Password', { exact: true }).fill(password);
    if (shots) await page.screenshot({ path: join(shots, 'connections-form.png') });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toContainText('must start with redis://');
    await form.getByLabel('Redis URL', { exact: true }).fill('rediss://analytics.internal:6380');
    await form.getByRole('button', { name: 'Save' }).click();
    const connections = page.getByRole('dialog', { name: 'Connections' });
    const added = connections.getByRole('listitem', { name: 'Analytics' });
    await expect(added).toContainText('rediss://analytics.internal:6380');
    await expect(added).toContainText('password stored');
    expect(calls.filter((c) => c.op === 'saveProfile').map((c) => c.input)).toEqual([
      expect.objectContaining({ url: 'analytics.internal:6379' }),
      {
        name: 'Analytics',
        url: 'rediss://analytics.internal:6380',
        tls: true,
        tls_ca: null,
        tls_cert: null,
        tls_key: null,
        tls_servername: null,
        tls_insecure: false,
        username: 'reader',
        password,
        password_keeping: 'stored',
      },
    ]);
    const file = readFileSync(join(app.userDataDir, 'profiles.json'), 'utf8');
    expect(file).not.toContain(password);
    expect(file).not.toContain('prod-secret-1');
    expect(await page.content()).not.toContain(password);
    expect(await page.content()).not.toContain('prod-secret-1');

    // Editing shows only that a password is stored, and leaving it empty keeps it.
    await added.getByRole('button', { name: 'Edit Analytics' }).click();
    const edit = page.getByRole('form', { name: 'Edit Analytics' });
    await expect(edit.getByLabel('Password', { exact: true })).toHaveValue('');
    await expect(edit).toContainText('A password is stored');
    expect(await page.content()).not.toContain(password);
    await edit.getByRole('button', { name: 'Back' }).click();

    // Removing the profile in use is refused with the main process's message.
    await connections.getByRole('button', { name: 'Remove Production' }).click();
    await connections.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(connections.getByRole('alert')).toContainText('This profile is in use');
    await connections.getByRole('button', { name: 'Close' }).click();
    await expect(select).toHaveValue(prod.id);
    await expect(select.getByRole('option')).toContainText(['Production', 'Staging', 'Analytics']);

    // Switch.
    await select.selectOption({ label: 'Staging' });
    await expect(select).toHaveValue(staging.id);
    await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();

    // Writes stay off until the unlock is confirmed; then the host's connection event opens them.
    const enqueue = await enqueueButton(page);
    await expect(enqueue).toBeDisabled();
    await expect(enqueue).toHaveAttribute('title', /read-only.*Unlock writes/i);
    await page.getByRole('button', { name: 'Unlock writes' }).click();
    const confirm = page.getByRole('dialog', { name: 'Unlock writes?' });
    await expect(confirm).toContainText(server.url);
    if (shots) await page.screenshot({ path: join(shots, 'connections-unlock.png') });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(calls.filter((c) => c.op === 'setWritesUnlocked')).toEqual([]);

    await page.getByRole('button', { name: 'Unlock writes' }).click();
    await confirm.getByRole('button', { name: 'Yes, unlock writes' }).click();
    await expect(confirm).toBeHidden();
    await expect(page.getByRole('button', { name: 'Lock writes', exact: true })).toBeVisible();
    await expect(page.getByText('Read-only', { exact: true })).toBeHidden();
    await expect(enqueue).toBeEnabled();

    // Saved with another database, the profile is locked again: the unlock was for its old target.
    await select.selectOption({ label: 'Manage connections…' });
    await connections.getByRole('button', { name: 'Edit Staging' }).click();
    const editStaging = page.getByRole('form', { name: 'Edit Staging' });
    await editStaging.getByLabel('Redis URL', { exact: true }).fill(`${server.url}/1`);
    await editStaging.getByRole('button', { name: 'Save' }).click();
    await expect(connections.getByRole('listitem', { name: 'Staging' })).not.toContainText(
      'writes on',
    );
    await connections.getByRole('button', { name: 'Close' }).click();
    await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Unlock writes' })).toBeVisible();
    await expect(enqueue).toBeDisabled();

    // Unlocked again and locked by the button.
    await page.getByRole('button', { name: 'Unlock writes' }).click();
    await confirm.getByRole('button', { name: 'Yes, unlock writes' }).click();
    await expect(enqueue).toBeEnabled();
    await page.getByRole('button', { name: 'Lock writes', exact: true }).click();
    await expect(page.getByRole('button', { name: 'Unlock writes' })).toBeVisible();
    await expect(enqueue).toBeDisabled();
    expect(calls.filter((c) => c.op === 'setWritesUnlocked').map((c) => c.input)).toEqual([
      { id: staging.id, unlocked: true },
      { id: staging.id, unlocked: true },
      { id: staging.id, unlocked: false },
    ]);

    // The local sandbox: a private redis-server in the app's folder, writable from the start.
    await select.selectOption({ label: 'Start local sandbox' });
    await expect(select.getByRole('option', { name: 'local sandbox' })).toBeAttached();
    await expect(select).toHaveValue('');
    await expect(page.getByText('Read-only', { exact: true })).toBeHidden();
    await expect(enqueue).toBeEnabled();
  } finally {
    await app.close();
    await prodServer.stop();
  }
});

test('without a keyring, the form keeps a new password for this session only and says why', async ({
  page,
  baseUrl,
  server,
}) => {
  const { fakeSafeStorage } = await import('../integration/ipc-fakes');
  const box = fakeSafeStorage({ backend: 'basic_text' });
  const { app } = await openDesktop(page, { redisUrl: server.url, safeStorage: box });
  try {
    const { dialog, form } = await openNewConnection(page, baseUrl);
    await expect(form.getByRole('radio', { name: /Stored, encrypted/ })).toBeDisabled();
    await expect(form.getByRole('radio', { name: /For this session only/ })).toBeChecked();
    await expect(form.getByRole('note')).toContainText('basic_text');
    await form.getByLabel('Name', { exact: true }).fill('Staging');
    await form.getByLabel('Redis URL', { exact: true }).fill(server.url);
    await form.getByLabel('Password', { exact: true }).fill('session-secret-7');
    if (shots) await page.screenshot({ path: join(shots, 'connections-form-session.png') });
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(dialog.getByRole('listitem', { name: 'Staging' })).toContainText(
      'password for this session',
    );
    expect(box.encrypted).toBe(0);
    expect(readFileSync(join(app.userDataDir, 'profiles.json'), 'utf8')).not.toContain(
      'session-secret-7',
    );
    expect(await page.content()).not.toContain('session-secret-7');
  } finally {
    await app.close();
  }
});

test('a profile over TLS with a private CA: the Advanced TLS settings, worded as the --tls-* flags', async ({
  page,
  baseUrl,
  server,
}) => {
  const missing = tlsUnavailable();
  test.skip(missing !== null, `TLS: ${missing}`);
  const files = makeTlsFiles();
  const port = await freePort();
  const tlsServer = await startRedisServer({
    args: [
      ...['--tls-port', String(port), '--tls-cert-file', files.serverCert],
      ...['--tls-key-file', files.serverKey, '--tls-ca-cert-file', files.ca],
      ...['--tls-auth-clients', 'no'],
    ],
  });
  const { app, calls } = await openDesktop(page, { redisUrl: server.url });
  try {
    const { select, dialog, form } = await openNewConnection(page, baseUrl);
    await form.getByLabel('Name', { exact: true }).fill('Private CA');
    await form.getByLabel('Redis URL', { exact: true }).fill(`redis://127.0.0.1:${port}`);
    await form.getByText('Advanced TLS').click();
    const ca = form.getByLabel('CA file --tls-ca');
    // Settings of a plaintext connection would be ignored: they wait for TLS to be on.
    await expect(ca).toBeDisabled();
    await expect(form.getByRole('note')).toContainText('turn TLS on');
    await form.getByLabel('TLS', { exact: true }).check();
    await ca.fill(files.ca);
    await expect(form.getByLabel('Client certificate --tls-cert')).toHaveAccessibleDescription(
      'PEM client certificate, for servers that require one',
    );
    await form.getByLabel('Server name --tls-servername').fill('localhost');
    await expect(
      form.getByLabel(/Do not verify the server certificate --tls-insecure/),
    ).not.toBeChecked();
    if (shots) await page.screenshot({ path: join(shots, 'connections-form-tls.png') });
    await form.getByRole('button', { name: 'Save' }).click();
    const added = dialog.getByRole('listitem', { name: 'Private CA' });
    await expect(added).toBeVisible();
    expect(calls.filter((c) => c.op === 'saveProfile').map((c) => c.input)).toEqual([
      {
        name: 'Private CA',
        url: `redis://127.0.0.1:${port}`,
        tls: true,
        tls_ca: files.ca,
        tls_cert: null,
        tls_key: null,
        tls_servername: 'localhost',
        tls_insecure: false,
        username: null,
      },
    ]);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await select.selectOption({ label: 'Private CA' });
    await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();

    // Editing shows the settings kept; another CA file is another target: the password warning says so.
    await select.selectOption({ label: 'Manage connections…' });
    await dialog.getByRole('button', { name: 'Edit Private CA' }).click();
    const edit = page.getByRole('form', { name: 'Edit Private CA' });
    await expect(edit.getByLabel('CA file --tls-ca')).toHaveValue(files.ca);
    await expect(edit.getByLabel('Server name --tls-servername')).toHaveValue('localhost');
    await edit.getByLabel('CA file --tls-ca').fill(`${files.dir}/missing.pem`);
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit.getByRole('alert')).toContainText(
      /Saved, but not connected with these settings.*Cannot read the TLS ca file .*missing\.pem/,
    );
    if (shots) await page.screenshot({ path: join(shots, 'connections-form-tls-error.png') });
  } finally {
    await app.close();
    await tlsServer.stop();
    files.remove();
  }
});

test('a profile behind sentinels with a password of their own: the Sentinel password field', async ({
  page,
  baseUrl,
  server,
}) => {
  const secret = 'sentinels-only-s3cret';
  const set = await startSentinelSet({ masterName: 'qs-e2e-guarded', sentinelPassword: secret });
  const { app, calls } = await openDesktop(page, { redisUrl: server.url });
  try {
    const { select, dialog, form } = await openNewConnection(page, baseUrl);
    const field = form.getByLabel('Sentinel password', { exact: true });
    await expect(field).toHaveAccessibleDescription(/^Only for a Sentinel URL \(redis\+sentinel/);
    await form.getByLabel('Name', { exact: true }).fill('Guarded');
    await form.getByLabel('Redis URL', { exact: true }).fill(server.url);
    // A plain URL has no sentinels to send it to.
    await expect(field).toBeDisabled();

    // Typed into the URL it is refused, and the message points at the field.
    await form
      .getByLabel('Redis URL', { exact: true })
      .fill(`${set.url}?sentinel_password=${secret}`);
    await form.getByRole('button', { name: 'Save' }).click();
    await expect(form.getByRole('alert')).toContainText('"Sentinel password" field');
    expect(await page.content()).not.toContain(`sentinel_password=${secret}</`);

    await form.getByLabel('Redis URL', { exact: true }).fill(set.url);
    await expect(field).toBeEnabled();
    await field.fill(secret);
    if (shots) await page.screenshot({ path: join(shots, 'connections-form-sentinel.png') });
    await form.getByRole('button', { name: 'Save' }).click();
    const added = dialog.getByRole('listitem', { name: 'Guarded' });
    await expect(added).toContainText('no password · sentinel password stored');
    expect(calls.filter((c) => c.op === 'saveProfile').map((c) => c.input)[1]).toEqual({
      name: 'Guarded',
      url: set.url,
      tls: false,
      tls_ca: null,
      tls_cert: null,
      tls_key: null,
      tls_servername: null,
      tls_insecure: false,
      username: null,
      sentinel_password: secret,
      password_keeping: 'stored',
    });
    expect(readFileSync(join(app.userDataDir, 'profiles.json'), 'utf8')).not.toContain(secret);
    await expect(field).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);

    // Connected through the guarded sentinels to the current primary.
    await dialog.getByRole('button', { name: 'Close' }).click();
    await select.selectOption({ label: 'Guarded' });
    await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();
    const primary = await set.currentPrimary();
    expect(await app.call('connectionInfo', {})).toMatchObject({
      ok: true,
      data: { topology: 'sentinel', server: `127.0.0.1:${primary.port}` },
    });

    // Editing says one is stored, never shows it, and leaving it empty keeps it.
    await select.selectOption({ label: 'Manage connections…' });
    await dialog.getByRole('button', { name: 'Edit Guarded' }).click();
    const edit = page.getByRole('form', { name: 'Edit Guarded' });
    await expect(edit.getByLabel('Sentinel password', { exact: true })).toHaveValue('');
    await expect(edit).toContainText('A sentinel password is stored');
    await expect(edit.getByLabel('Remove the sentinel password')).not.toBeChecked();
    if (shots) await page.screenshot({ path: join(shots, 'connections-form-sentinel-edit.png') });
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(added).toContainText('sentinel password stored');
    expect(calls.filter((c) => c.op === 'saveProfile').at(-1)?.input).not.toHaveProperty(
      'sentinel_password',
    );
  } finally {
    await app.close();
    await set.stop();
  }
});

test('the web host serves one Redis: no profile switcher, and no profile operation answered', async ({
  page,
  baseUrl,
  host,
}) => {
  await page.goto(baseUrl);
  const select = page.getByRole('combobox', { name: 'Connection' });
  await expect(select.getByRole('option')).toHaveText([/^redis 127\.0\.0\.1:\d+$/]);
  await expect(page.getByRole('button', { name: 'Unlock writes' })).toHaveCount(0);
  const token = new URL(host.url).searchParams.get('token')!;
  const answer = await page.evaluate(async (t) => {
    const response = await fetch('/api/listProfiles', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-queuescope-token': t },
      body: '{}',
    });
    return { status: response.status, body: await response.json() };
  }, token);
  expect(answer).toMatchObject({
    status: 400,
    body: { ok: false, error: { code: 'VALIDATION', details: { door: 'desktop' } } },
  });
});
