import { afterEach, describe, expect, it } from 'vitest';
import { INVOKE_CHANNEL, type EventEnvelope, type ProfileView } from '../../shared/contract';
import { CANCEL_CHANNEL, SUBSCRIBE_CHANNEL } from '../../electron/preload/desktop-api';
import { allKeys } from '../helpers/redis-snapshot';
import { sampleJob, useRedis } from '../helpers/core';
import { desktopApp, fakeEvent, type DesktopApp } from './ipc-fakes';

const env = useRedis();
const apps: DesktopApp[] = [];
afterEach(async () => {
  while (apps.length) await apps.pop()!.close();
});

/**
 * The app's main process as main.ts composes it (docs/desktop.md "How it is tested"), connected
 * through a profile on the test's Redis, with writes unlocked unless the test wants read-only.
 */
async function main(options: { readOnly?: boolean } = {}) {
  const made = await desktopApp({ redisUrl: env.server.url, operator: 'ipc-tester' });
  apps.push(made);
  const saved = await made.call<ProfileView>('saveProfile', {
    name: 'test redis',
    url: env.server.url,
  });
  if (!saved.ok) throw new Error(saved.error.message);
  await made.call('connectProfile', { id: saved.data.id });
  if (!options.readOnly)
    await made.call('setWritesUnlocked', { id: saved.data.id, unlocked: true });
  return { ipcMain: made.ipcMain, session: made.connections.current };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

describe('IPC handlers', () => {
  it('run an operation for the console page and audit the write under the app user', async () => {
    const { ipcMain } = await main();
    const response = await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, {
      op: 'enqueue',
      input: sampleJob({ job_id: 'job-ipc-1' }),
    });
    expect(response).toEqual({ ok: true, data: { outcome: 'enqueued', job_id: 'job-ipc-1' } });
    expect(await env.redis.lrange('ai:queue:pending', 0, -1)).toEqual(['job-ipc-1']);
  });

  it.each([
    ['a subframe of the console', { subframe: true }],
    ['a page on the web', { url: 'https://evil.example/index.html' }],
    ['another local file', { url: 'file:///etc/passwd' }],
    ['a frame that is gone', { destroyedFrame: true }],
  ])('refuse %s and write nothing', async (_name, options) => {
    const { ipcMain } = await main();
    const response = await ipcMain.invoke(fakeEvent(options), INVOKE_CHANNEL, {
      op: 'enqueue',
      input: sampleJob({ job_id: 'job-evil' }),
    });
    expect(response).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((response as { error: { message: string } }).error.message).toMatch(/Refused/);
    expect(await allKeys(env.redis)).toEqual([]);
  });

  it('validate the envelope and the input against the contract before any Redis call', async () => {
    const { ipcMain } = await main();
    const unknownOp = await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, {
      op: 'flushall',
      input: {},
    });
    expect(unknownOp).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const badInput = await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, {
      op: 'enqueue',
      input: sampleJob({ workspace_id: 'a:b' }),
    });
    expect(badInput).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('workspace_id') },
    });
    const notAnObject = await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, 'enqueue');
    expect(notAnObject).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(await allKeys(env.redis)).toEqual([]);
  });

  it('refuse writes on a read-only connection with READ_ONLY', async () => {
    const { ipcMain } = await main({ readOnly: true });
    const response = await ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, {
      op: 'setFlag',
      input: { value: 'on', actor_id: 'ops' },
    });
    expect(response).toMatchObject({ ok: false, error: { code: 'READ_ONLY' } });
    expect(await env.redis.exists('ai:flags:new_schema')).toBe(0);
  });

  it('push connection and flag events to a subscribed console, and stop when it unsubscribes', async () => {
    const { ipcMain, session } = await main();
    const console = fakeEvent();
    ipcMain.send(console, SUBSCRIBE_CHANNEL, true);
    const sent = console.sender.sent;
    await until(() => sent.some((e) => e.name === 'flag'));
    expect(sent.find((e) => e.name === 'connection')?.payload).toMatchObject({
      label: 'test redis',
      read_only: false,
    });
    await env.redis.set('ai:flags:new_schema', 'on');
    await until(() =>
      sent.some(
        (e) => e.name === 'flag' && (e as EventEnvelope<'flag'>).payload.new_schema === 'on',
      ),
    );
    ipcMain.send(console, SUBSCRIBE_CHANNEL, false);
    expect(session.hub.subscribers).toBe(0);
  });

  it('drop the subscription of a closed window, and ignore subscribe or cancel from untrusted frames', async () => {
    const { ipcMain, session } = await main();
    const window = fakeEvent();
    ipcMain.send(window, SUBSCRIBE_CHANNEL, true);
    expect(session.hub.subscribers).toBe(1);
    window.sender.destroy();
    expect(session.hub.subscribers).toBe(0);
    ipcMain.send(fakeEvent({ url: 'https://evil.example/' }), SUBSCRIBE_CHANNEL, true);
    ipcMain.send(fakeEvent({ subframe: true }), SUBSCRIBE_CHANNEL, true);
    expect(session.hub.subscribers).toBe(0);
  });

  it('report the progress of a long-running operation under its id', async () => {
    const { ipcMain } = await main();
    const console = fakeEvent();
    ipcMain.send(console, SUBSCRIBE_CHANNEL, true);
    await seedOldJobs(50);
    const response = await ipcMain.invoke(console, INVOKE_CHANNEL, {
      op: 'divergenceCheck',
      input: {},
      operation_id: 'check-1',
    });
    expect(response).toMatchObject({ ok: true, data: { state: 'completed' } });
    const progress = console.sender.sent.filter((e) => e.name === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(
      progress.every((e) => (e as EventEnvelope<'progress'>).payload.operation_id === 'check-1'),
    ).toBe(true);
  });

  it('cancel a long-running operation by its id', async () => {
    const { ipcMain } = await main();
    const console = fakeEvent();
    await seedOldJobs(5000);
    const running = ipcMain.invoke(console, INVOKE_CHANNEL, {
      op: 'divergenceCheck',
      input: {},
      operation_id: 'check-2',
    });
    ipcMain.send(console, CANCEL_CHANNEL, 'check-2');
    expect(await running).toMatchObject({ ok: true, data: { state: 'cancelled' } });
  });

  it('ignore a cancel sent by an untrusted frame', async () => {
    const { ipcMain } = await main();
    await seedOldJobs(5000);
    const running = ipcMain.invoke(fakeEvent(), INVOKE_CHANNEL, {
      op: 'divergenceCheck',
      input: {},
      operation_id: 'check-3',
    });
    ipcMain.send(fakeEvent({ subframe: true }), CANCEL_CHANNEL, 'check-3');
    expect(await running).toMatchObject({ ok: true, data: { state: 'completed' } });
  });
});

/** Enough old-schema jobs that a check needs several SCAN steps (it can only stop between steps). */
async function seedOldJobs(count: number) {
  const pipeline = env.redis.pipeline();
  for (let i = 0; i < count; i++) {
    pipeline.hset(`ai:jobs:j${i}`, { job_id: `j${i}`, workspace_id: 'ws-1', status: 'pending' });
  }
  await pipeline.exec();
}
