import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultActor } from '../adapters/labels';
import { hardenApp, hardenSession } from '../security/harden';
import { isTrustedUrl } from '../security/trusted-url';
import { secureWebPreferences } from '../security/web-preferences';
import { Connections, type Target } from './connections';
import { registerIpc } from './ipc';
import { REDIS_SERVER_MISSING, startLocalRedis } from './local-redis';
import { ProfileStore } from './profile-store';
import { DEFAULT_REDIS_URL, initialTarget } from './startup';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
let connections: Connections | null = null;
let window: BrowserWindow | null = null;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.enableSandbox();
  hardenApp(app);
  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore();
    window?.focus();
  });
  app.on('window-all-closed', () => app.quit());
  app.on('before-quit', (event) => {
    if (!connections) return;
    // The sandbox Redis must be stopped cleanly (its AOF completed) before the app exits.
    event.preventDefault();
    const closing = connections;
    connections = null;
    void closing.close().finally(() => app.quit());
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  const store = new ProfileStore(join(app.getPath('userData'), 'profiles.json'), safeStorage);
  connections = new Connections({
    store,
    actor: process.env.QUEUESCOPE_OPERATOR ?? defaultActor(),
    startSandbox: () => startLocalRedis(join(app.getPath('userData'), 'local-redis')),
  });
  const current = connections;
  registerIpc({
    ipcMain,
    session: () => current.current,
    profiles: current,
    isTrustedUrl: (url) => isTrustedUrl(url, rendererDir),
  });
  const target = (await initialTarget(store)) ?? (await offerSandbox());
  try {
    await current.open(target);
  } catch (error) {
    dialog.showErrorBox(
      'The local sandbox could not start',
      error instanceof Error ? error.message : REDIS_SERVER_MISSING,
    );
    await current.open({ kind: 'default', url: DEFAULT_REDIS_URL });
  }

  window = new BrowserWindow({
    width: 1440,
    height: 900,
    show: false,
    title: 'Queuescope',
    webPreferences: secureWebPreferences(join(here, 'preload.cjs')),
  });
  window.once('ready-to-show', () => window?.show());
  await window.loadFile(join(rendererDir, 'index.html'));
}

/** No Redis configured and none on the default address: offer the private local one. */
async function offerSandbox(): Promise<Target> {
  const { response } = await dialog.showMessageBox({
    type: 'question',
    buttons: ['Start a local sandbox Redis', 'Use redis://127.0.0.1:6379 anyway'],
    defaultId: 0,
    message: 'No Redis is configured and nothing answers on 127.0.0.1:6379.',
    detail:
      'Queuescope can start a private Redis for you (redis-server from your PATH, data kept in the app folder, stopped when you quit), so you can try the console right away.',
  });
  return response === 0 ? { kind: 'sandbox' } : { kind: 'default', url: DEFAULT_REDIS_URL };
}
