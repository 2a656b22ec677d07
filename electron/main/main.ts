import { app, BrowserWindow, dialog, ipcMain, safeStorage, session } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hardenApp, hardenSession } from '../security/harden';
import { secureWebPreferences } from '../security/web-preferences';
import { composeMain, type MainProcess } from './compose';
import type { Target } from './connections';
import { REDIS_SERVER_MISSING } from './local-redis';
import { DEFAULT_REDIS_URL, initialTarget } from './startup';

const here = dirname(fileURLToPath(import.meta.url));
const rendererDir = join(app.getAppPath(), 'dist', 'renderer');
let main: MainProcess | null = null;
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
    if (!main) return;
    // The sandbox Redis must be stopped cleanly (its AOF completed) before the app exits.
    event.preventDefault();
    const closing = main;
    main = null;
    void closing.close().finally(() => app.quit());
  });
  void app.whenReady().then(start);
}

async function start(): Promise<void> {
  hardenSession(session.defaultSession);
  // Only the electron module's pieces are handed in: the objects are the ones the tests build.
  main = composeMain({ userDataDir: app.getPath('userData'), rendererDir, safeStorage, ipcMain });
  const { store, connections: current } = main;
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
