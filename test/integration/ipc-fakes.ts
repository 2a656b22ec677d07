import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { EventEnvelope } from '../../shared/contract';
import { registerIpc, type IpcMainLike } from '../../electron/main/ipc';
import type { HostSession } from '../../electron/adapters/host-session';
import type { ProfilesApi } from '../../electron/preload/desktop-api';
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
  options: { url?: string; subframe?: boolean; destroyedFrame?: boolean } = {},
): FakeEvent {
  const mainFrame: FakeFrame = { url: options.url ?? CONSOLE_URL, parent: null };
  const onDestroyed: Array<() => void> = [];
  let destroyed = false;
  const sender: FakeEvent['sender'] = {
    id: nextId++,
    mainFrame,
    sent: [],
    send(channel, envelope) {
      if (channel === 'queuescope:event') sender.sent.push(envelope);
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

export const noProfiles: ProfilesApi = {
  list: async () => [],
  save: async () => {
    throw new Error('not in this test');
  },
  remove: async () => undefined,
  connect: async () => undefined,
  setWritesUnlocked: async () => undefined,
  startSandbox: async () => undefined,
};

/** The main process's IPC wiring over a host session, with ipcMain faked. */
export function fakeMainProcess(session: HostSession, profiles: ProfilesApi = noProfiles) {
  const ipcMain = new FakeIpcMain();
  const unregister = registerIpc({
    ipcMain: ipcMain as unknown as IpcMainLike,
    session: () => session,
    profiles,
    isTrustedUrl: (url) => isTrustedUrl(url, RENDERER_DIR),
  });
  return { ipcMain, unregister };
}
