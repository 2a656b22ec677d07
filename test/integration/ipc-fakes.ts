import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { INVOKE_CHANNEL, type EventEnvelope, type InvokeResponse } from '../../shared/contract';
import type { HostSession } from '../../electron/adapters/host-session';
import { composeMain } from '../../electron/main/compose';
import { registerIpc, type IpcMainLike } from '../../electron/main/ipc';
import { initialTarget } from '../../electron/main/startup';
import type { SecretBox } from '../../electron/main/profile-store';
import { isTrustedUrl } from '../../electron/security/trusted-url';

/** The `electron` module's ipcMain, replaced at its boundary: records what the app registers. */
export class FakeIpcMain {
  readonly handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  readonly listeners = new Map<string, Set<(event: unknown, ...args: unknown[]) => void>>();

  handle(channel: string, fn: (event: unknown, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, fn);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  on(channel: string, fn: (event: unknown, ...args: unknown[]) => void) {
    if (!this.listeners.has(channel)) this.listeners.set(channel, new Set());
    this.listeners.get(channel)!.add(fn);
    return this;
  }
  removeListener(channel: string, fn: (event: unknown, ...args: unknown[]) => void) {
    this.listeners.get(channel)?.delete(fn);
    return this;
  }

  /** What ipcRenderer.invoke(channel, ...args) from `event`'s frame would get back. */
  async invoke(event: FakeEvent, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Electron clones arguments and results across processes.
    return structuredClone(await handler(event, ...structuredClone(args)));
  }

  send(event: FakeEvent, channel: string, ...args: unknown[]): void {
    for (const fn of this.listeners.get(channel) ?? []) fn(event, ...structuredClone(args));
  }
}

export const RENDERER_DIR = '/opt/queuescope/resources/app/dist/renderer';
export const CONSOLE_URL = pathToFileURL(join(RENDERER_DIR, 'index.html')).href;

interface FakeFrame {
  url: string;
  parent: FakeFrame | null;
}

export interface FakeEvent {
  sender: {
    id: number;
    mainFrame: FakeFrame;
    sent: EventEnvelope[];
    send(channel: string, envelope: EventEnvelope): void;
    isDestroyed(): boolean;
    once(name: string, fn: () => void): void;
    destroy(): void;
  };
  senderFrame: FakeFrame | null;
}

let nextId = 1;

/** An IPC event as Electron builds it: the sending webContents and the frame that sent it. */
export function fakeEvent(
  options: {
    url?: string;
    subframe?: boolean;
    destroyedFrame?: boolean;
    /** Also hands each event sent to this window on (an end-to-end test forwards it to a page). */
    onSend?: (envelope: EventEnvelope) => void;
  } = {},
): FakeEvent {
  const mainFrame: FakeFrame = { url: options.url ?? CONSOLE_URL, parent: null };
  const onDestroyed: Array<() => void> = [];
  let destroyed = false;
  const sender: FakeEvent['sender'] = {
    id: nextId++,
    mainFrame,
    sent: [],
    send(channel, envelope) {
      if (channel !== 'queuescope:event') return;
      sender.sent.push(envelope);
      options.onSend?.(envelope);
    },
    isDestroyed: () => destroyed,
    once(name, fn) {
      if (name === 'destroyed') onDestroyed.push(fn);
    },
    destroy() {
      destroyed = true;
      for (const fn of onDestroyed) fn();
    },
  };
  const senderFrame = options.destroyedFrame
    ? null
    : options.subframe
      ? { url: CONSOLE_URL, parent: mainFrame }
      : mainFrame;
  return { sender, senderFrame };
}

/**
 * Electron's safeStorage replaced at its boundary: reversible, visibly not the plain text, and
 * reporting the keyring backend a Linux desktop would (`basic_text` where there is none).
 */
export function fakeSafeStorage(options: { available?: boolean; backend?: string } = {}) {
  const box = {
    encrypted: 0,
    isEncryptionAvailable: () => options.available ?? true,
    getSelectedStorageBackend: () => options.backend ?? 'gnome_libsecret',
    encryptString(plain: string) {
      box.encrypted++;
      return Buffer.from(`v11:${Buffer.from(plain).reverse().toString('hex')}`);
    },
    decryptString(encrypted: Buffer) {
      const hex = encrypted.toString().replace(/^v11:/, '');
      return Buffer.from(hex, 'hex').reverse().toString();
    },
  };
  return box satisfies SecretBox;
}

export interface DesktopAppOptions {
  /** Started as main.ts starts with REDIS_URL set: connected there (read-only) before any call. */
  redisUrl: string;
  safeStorage?: SecretBox;
  /** The app's data folder (profiles.json, local-redis/); a fresh temporary one by default. */
  userDataDir?: string;
  operator?: string;
}

/**
 * The desktop app's main process as main.ts builds it (composeMain: the real ProfileStore,
 * Connections, host session, dispatcher and IPC handlers), with only the `electron` module's pieces
 * replaced: the app's data folder, safeStorage and ipcMain; IPC events carry fake frames.
 */
export async function desktopApp(options: DesktopAppOptions) {
  const ipcMain = new FakeIpcMain();
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'queuescope-app-'));
  const safeStorage = options.safeStorage ?? fakeSafeStorage();
  const app = composeMain(
    {
      userDataDir,
      rendererDir: RENDERER_DIR,
      safeStorage,
      ipcMain: ipcMain as unknown as IpcMainLike,
    },
    { QUEUESCOPE_OPERATOR: options.operator ?? 'desk-user' },
  );
  const first = await initialTarget(app.store, { REDIS_URL: options.redisUrl });
  await app.connections.open(first!);
  /** One contract call from the console page, as the preload sends it. */
  const call = async <T = unknown>(op: string, input?: unknown, event = fakeEvent()) =>
    (await ipcMain.invoke(event, INVOKE_CHANNEL, { op, input })) as InvokeResponse<T>;
  return {
    ...app,
    ipcMain,
    userDataDir,
    call,
    async close() {
      await app.close();
      if (!options.userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
export type DesktopApp = Awaited<ReturnType<typeof desktopApp>>;

/**
 * The IPC handlers over a given host session (the web host's kind: no profile operations), for
 * tests that compare the IPC door with the HTTP door over the same core.
 */
export function fakeMainProcess(session: HostSession) {
  const ipcMain = new FakeIpcMain();
  const unregister = registerIpc({
    ipcMain: ipcMain as unknown as IpcMainLike,
    session: () => session,
    isTrustedUrl: (url) => isTrustedUrl(url, RENDERER_DIR),
  });
  return { ipcMain, unregister };
}
