import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { secureWebPreferences } from '../../electron/security/web-preferences';

type Fn = (...args: unknown[]) => unknown;

// The `electron` module replaced at its boundary, recording how the main process uses it.
const fake = vi.hoisted(() => {
  const state = {
    lock: true,
    appOn: new Map<string, Fn>(),
    windows: [] as Array<{ options: Record<string, unknown>; loaded: string[] }>,
    handlers: new Map<string, Fn>(),
    sessionCalls: [] as string[],
    quit: 0,
    sandboxed: 0,
  };
  let ready: () => void = () => undefined;
  const whenReady = new Promise<void>((r) => (ready = r));
  class BrowserWindow {
    loaded: string[] = [];
    constructor(readonly options: Record<string, unknown>) {
      state.windows.push(this);
    }
    once() {}
    isMinimized() {
      return false;
    }
    focus() {}
    show() {}
    async loadFile(file: string) {
      this.loaded.push(file);
    }
  }
  const electron = {
    app: {
      getAppPath: () => '/opt/queuescope/app',
      getPath: () => '/tmp/queuescope-test-user-data-never-written',
      requestSingleInstanceLock: () => state.lock,
      quit: () => void state.quit++,
      enableSandbox: () => void state.sandboxed++,
      on: (name: string, fn: Fn) => void state.appOn.set(name, fn),
      whenReady: () => whenReady,
    },
    BrowserWindow,
    dialog: { showMessageBox: async () => ({ response: 1 }), showErrorBox: () => undefined },
    ipcMain: {
      handle: (channel: string, fn: Fn) => void state.handlers.set(channel, fn),
      on: () => undefined,
      removeHandler: () => undefined,
      removeListener: () => undefined,
    },
    safeStorage: {
      isEncryptionAvailable: () => false,
      encryptString: () => Buffer.alloc(0),
      decryptString: () => '',
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: () => void state.sessionCalls.push('permission-request'),
        setPermissionCheckHandler: () => void state.sessionCalls.push('permission-check'),
        webRequest: { onHeadersReceived: () => void state.sessionCalls.push('csp-header') },
      },
    },
  };
  return { state, electron, ready: () => ready() };
});
vi.mock('electron', () => fake.electron);

describe('main process', () => {
  it('opens one hardened, sandboxed window on the built console and guards its IPC', async () => {
    // Nothing listens on port 1: the app starts, shows the console, and reports Redis as down.
    process.env.REDIS_URL = 'redis://127.0.0.1:1';
    await import('../../electron/main/main');
    expect(fake.state.sandboxed).toBe(1);
    expect(fake.state.appOn.has('web-contents-created')).toBe(true);
    expect(fake.state.appOn.has('second-instance')).toBe(true);
    fake.ready();
    await vi.waitFor(() => expect(fake.state.windows[0]?.loaded.length).toBe(1));

    const [window] = fake.state.windows;
    const prefs = window!.options.webPreferences as { preload: string };
    expect(prefs.preload).toMatch(/preload\.cjs$/);
    expect(prefs).toEqual(secureWebPreferences(prefs.preload));
    expect(window!.loaded).toEqual([join('/opt/queuescope/app', 'dist', 'renderer', 'index.html')]);
    expect(fake.state.sessionCalls.sort()).toEqual([
      'csp-header',
      'permission-check',
      'permission-request',
    ]);
    // Profiles are contract operations too: one invoke channel for every operation.
    expect([...fake.state.handlers.keys()].sort()).toEqual(['queuescope:invoke']);

    const web = { url: 'https://evil.example/', parent: null };
    const refused = await fake.state.handlers.get('queuescope:invoke')!(
      { sender: { mainFrame: web }, senderFrame: web },
      { op: 'setFlag', input: { value: 'on', actor_id: 'x' } },
    );
    // An untrusted sender is refused as the door's own error (docs/doors.md, "Errors").
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    const profiles = await fake.state.handlers.get('queuescope:invoke')!(
      { sender: { mainFrame: web }, senderFrame: web },
      { op: 'listProfiles', input: {} },
    );
    expect(profiles).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    // Quitting closes the connection first, then quits for real.
    let prevented = false;
    fake.state.appOn.get('before-quit')!({ preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    await vi.waitFor(() => expect(fake.state.quit).toBe(1));
  });

  it('lets a second instance only hand over to the first and quit', async () => {
    fake.state.appOn.clear();
    fake.state.lock = false;
    const windowsBefore = fake.state.windows.length;
    const quitsBefore = fake.state.quit;
    vi.resetModules();
    await import('../../electron/main/main');
    expect(fake.state.quit).toBe(quitsBefore + 1);
    expect([...fake.state.appOn.keys()]).toEqual([]);
    expect(fake.state.windows.length).toBe(windowsBefore);
  });
});
