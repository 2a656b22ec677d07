import type { Page } from '@playwright/test';
import { join } from 'node:path';
import { expect, test } from './fixtures';

/**
 * The desktop switcher, driven in Chromium: the renderer under test is the real build; only the
 * Electron side is replaced. `window.queuescope` forwards invoke/subscribe/cancel to the web host
 * over HTTP (the page's own protocol, token from the URL) and its `profiles` is an in-page store
 * that records every call. Like the main process, it owns the connection state: the `connection`
 * events the page sees are the host's, relabelled with the active profile and kept read-only until
 * that profile is unlocked, and sent only when the test says so after an unlock.
 */
function installFakeDesktop() {
  interface StoredProfile {
    id: string;
    name: string;
    url: string;
    tls: boolean;
    username: string | null;
    password: string | null;
    unlocked: boolean;
  }
  type Envelope = { name: string; payload: Record<string, unknown> };
  const token = new URLSearchParams(location.search).get('token') ?? '';
  const headers = { 'content-type': 'application/json', 'x-queuescope-token': token };
  const listeners = new Set<(event: Envelope) => void>();
  const calls: unknown[][] = [];
  const store: StoredProfile[] = [
    {
      id: 'p-prod',
      name: 'Production',
      url: 'redis://prod.internal:6379/0',
      tls: true,
      username: 'ops',
      password: 'prod-secret-1',
      unlocked: false,
    },
    {
      id: 'p-stage',
      name: 'Staging',
      url: 'redis://stage.internal:6379/0',
      tls: false,
      username: null,
      password: null,
      unlocked: false,
    },
  ];
  let activeId = 'p-prod';
  let hostConnection: Record<string, unknown> | null = null;
  let source: EventSource | null = null;

  const active = () => store.find((p) => p.id === activeId);
  const emitConnection = () => {
    if (!hostConnection) return;
    const profile = active();
    const payload = {
      ...hostConnection,
      label: profile?.name ?? String(hostConnection.label),
      read_only: Boolean(hostConnection.read_only) || !profile?.unlocked,
    };
    for (const listener of listeners) listener({ name: 'connection', payload });
  };
  const find = (id: string) => {
    const profile = store.find((p) => p.id === id);
    if (!profile) throw Object.assign(new Error(`No profile ${id}.`), { code: 'NOT_FOUND' });
    return profile;
  };
  const view = (p: StoredProfile) => ({
    id: p.id,
    name: p.name,
    url: p.url,
    tls: p.tls,
    username: p.username,
    has_password: p.password !== null,
    writes_unlocked: p.unlocked,
    active: p.id === activeId,
  });
  type Input = {
    id?: string;
    name: string;
    url: string;
    tls?: boolean;
    username?: string | null;
    password?: string | null;
  };

  const profiles = {
    async list() {
      calls.push(['list']);
      return store.map(view);
    },
    async save(input: Input) {
      calls.push(['save', input]);
      if (!/^rediss?:\/\//.test(input.url)) {
        throw Object.assign(
          new Error('The Redis URL must start with redis:// or rediss://, like redis://host:6379.'),
          { code: 'VALIDATION' },
        );
      }
      const existing = input.id ? find(input.id) : null;
      const profile: StoredProfile = existing ?? {
        id: `p-${store.length + 1}`,
        name: '',
        url: '',
        tls: false,
        username: null,
        password: null,
        unlocked: false,
      };
      Object.assign(profile, {
        name: input.name,
        url: input.url,
        tls: input.tls ?? false,
        username: input.username ?? null,
      });
      if (input.password !== undefined) profile.password = input.password;
      if (!existing) store.push(profile);
      return view(profile);
    },
    async remove(id: string) {
      calls.push(['remove', id]);
      if (id === activeId) {
        throw Object.assign(
          new Error('This profile is in use. Connect to another one first, then remove it.'),
          { code: 'CONFLICT' },
        );
      }
      store.splice(store.indexOf(find(id)), 1);
    },
    async connect(id: string) {
      calls.push(['connect', id]);
      activeId = find(id).id;
      emitConnection();
    },
    async setWritesUnlocked(id: string, unlocked: boolean) {
      calls.push(['setWritesUnlocked', id, unlocked]);
      find(id).unlocked = unlocked;
    },
    async startSandbox() {
      calls.push(['startSandbox']);
    },
  };

  Object.assign(window, {
    queuescope: {
      async invoke(request: { op: string; input?: unknown; operation_id?: string }) {
        const response = await fetch(`/api/${request.op}`, {
          method: 'POST',
          headers: {
            ...headers,
            ...(request.operation_id ? { 'x-operation-id': request.operation_id } : {}),
          },
          body: JSON.stringify(request.input ?? {}),
        });
        return response.json();
      },
      async cancel(operationId: string) {
        await fetch('/api/cancel', {
          method: 'POST',
          headers,
          body: JSON.stringify({ operation_id: operationId }),
        });
      },
      subscribe(listener: (event: Envelope) => void) {
        listeners.add(listener);
        if (!source) {
          source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`);
          source.onmessage = (message) => {
            const event = JSON.parse(message.data as string) as Envelope;
            if (event.name === 'connection') {
              hostConnection = event.payload;
              emitConnection();
              return;
            }
            for (const each of listeners) each(event);
          };
        }
        return () => listeners.delete(listener);
      },
      profiles,
    },
    __fakeDesktop: { calls, emitConnection },
  });
}

type FakeWindow = { __fakeDesktop: { calls: unknown[][]; emitConnection(): void } };
const callsOf = (page: Page, action: string) =>
  page.evaluate(
    (name) => (window as unknown as FakeWindow).__fakeDesktop.calls.filter((c) => c[0] === name),
    action,
  );

test('desktop profiles: list, add without echoing the password, switch, unlock writes', async ({
  page,
  baseUrl,
}) => {
  await page.addInitScript(installFakeDesktop);
  await page.goto(baseUrl);

  const select = page.getByRole('combobox', { name: 'Connection' });
  await expect(select).toHaveValue('p-prod');
  await expect(select.getByRole('option')).toHaveText([
    'Production',
    'Staging',
    /─/,
    'Start local sandbox',
    'Manage connections…',
  ]);
  await expect(page.getByRole('status', { name: 'Connection state: Connected' })).toBeVisible();
  await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
  const shots = process.env.QS_SCREENSHOTS;
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
  expect(await callsOf(page, 'save')).toEqual([
    ['save', expect.objectContaining({ url: 'analytics.internal:6379' })],
    [
      'save',
      {
        name: 'Analytics',
        url: 'rediss://analytics.internal:6380',
        tls: true,
        username: 'reader',
        password,
      },
    ],
  ]);
  expect(await page.content()).not.toContain(password);
  expect(await page.content()).not.toContain('prod-secret-1');

  // Editing shows only that a password is stored, and leaving it empty keeps it.
  await added.getByRole('button', { name: 'Edit Analytics' }).click();
  const edit = page.getByRole('form', { name: 'Edit Analytics' });
  await expect(edit.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(edit).toContainText('A password is stored');
  expect(await page.content()).not.toContain(password);
  await edit.getByRole('button', { name: 'Back' }).click();

  // Removing the profile in use is refused with the store's message.
  await connections.getByRole('button', { name: 'Remove Production' }).click();
  await connections.getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(connections.getByRole('alert')).toContainText('This profile is in use');
  await connections.getByRole('button', { name: 'Close' }).click();
  await expect(select).toHaveValue('p-prod');
  await expect(select.getByRole('option')).toContainText(['Production', 'Staging', 'Analytics']);

  // Switch.
  await select.selectOption({ label: 'Staging' });
  await expect.poll(() => callsOf(page, 'connect')).toEqual([['connect', 'p-stage']]);
  await expect(select).toHaveValue('p-stage');

  // Writes stay off until the unlock is confirmed and the connection event says so.
  await page
    .getByRole('navigation', { name: 'Screens' })
    .getByRole('button', { name: 'Enqueue job' })
    .click();
  const enqueue = page
    .getByRole('form', { name: 'Enqueue job' })
    .getByRole('button', { name: 'Enqueue' });
  await expect(enqueue).toBeDisabled();
  await expect(enqueue).toHaveAttribute('title', /read-only.*Unlock writes/i);

  await page.getByRole('button', { name: 'Unlock writes' }).click();
  const confirm = page.getByRole('dialog', { name: 'Unlock writes?' });
  await expect(confirm).toContainText('redis://stage.internal:6379/0');
  if (shots) await page.screenshot({ path: join(shots, 'connections-unlock.png') });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  expect(await callsOf(page, 'setWritesUnlocked')).toEqual([]);

  await page.getByRole('button', { name: 'Unlock writes' }).click();
  await confirm.getByRole('button', { name: 'Yes, unlock writes' }).click();
  await expect(confirm).toBeHidden();
  expect(await callsOf(page, 'setWritesUnlocked')).toEqual([
    ['setWritesUnlocked', 'p-stage', true],
  ]);
  await expect(page.getByRole('button', { name: 'Lock writes', exact: true })).toBeVisible();
  await expect(enqueue).toBeDisabled();

  await page.evaluate(() => (window as unknown as FakeWindow).__fakeDesktop.emitConnection());
  await expect(page.getByText('Read-only', { exact: true })).toBeHidden();
  await expect(enqueue).toBeEnabled();

  await page.getByRole('button', { name: 'Lock writes', exact: true }).click();
  await expect
    .poll(() => callsOf(page, 'setWritesUnlocked'))
    .toEqual([
      ['setWritesUnlocked', 'p-stage', true],
      ['setWritesUnlocked', 'p-stage', false],
    ]);
  await expect(page.getByRole('button', { name: 'Unlock writes' })).toBeVisible();
  await page.evaluate(() => (window as unknown as FakeWindow).__fakeDesktop.emitConnection());
  await expect(enqueue).toBeDisabled();

  // The sandbox entry is an action, not a connection: it calls the store and the choice snaps back.
  await select.selectOption({ label: 'Start local sandbox' });
  await expect.poll(() => callsOf(page, 'startSandbox')).toEqual([['startSandbox']]);
  await expect(select).toHaveValue('p-stage');
});

test.describe('when the host itself is read-only', () => {
  test.use({ readOnly: true });

  test('an unlocked profile still gets no write controls', async ({ page, baseUrl }) => {
    await page.addInitScript(installFakeDesktop);
    await page.goto(baseUrl);
    await page.getByRole('button', { name: 'Unlock writes' }).click();
    await page
      .getByRole('dialog', { name: 'Unlock writes?' })
      .getByRole('button', { name: 'Yes, unlock writes' })
      .click();
    await expect(page.getByRole('button', { name: 'Lock writes', exact: true })).toBeVisible();
    await page.evaluate(() => (window as unknown as FakeWindow).__fakeDesktop.emitConnection());
    await page
      .getByRole('navigation', { name: 'Screens' })
      .getByRole('button', { name: 'Enqueue job' })
      .click();
    const enqueue = page
      .getByRole('form', { name: 'Enqueue job' })
      .getByRole('button', { name: 'Enqueue' });
    await expect(enqueue).toBeDisabled();
    await expect(page.getByText('Read-only', { exact: true })).toBeVisible();
  });
});
