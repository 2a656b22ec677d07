import { join } from 'node:path';
import { defaultActor } from '../adapters/labels';
import { isTrustedUrl } from '../security/trusted-url';
import { Connections } from './connections';
import { registerIpc, type IpcMainLike } from './ipc';
import { startLocalRedis } from './local-redis';
import { ProfileStore, type SecretBox } from './profile-store';

/**
 * What the app's objects take from the `electron` module, and nothing more: the tests hand in fakes
 * of exactly these and get the objects the app runs (docs/desktop.md "How it is tested").
 */
export interface ElectronPieces {
  /** app.getPath('userData'): profiles.json and the local sandbox's data live there. */
  userDataDir: string;
  /** The renderer build; IPC is answered only for pages inside it. */
  rendererDir: string;
  safeStorage: SecretBox;
  ipcMain: IpcMainLike;
}

export interface MainProcess {
  readonly store: ProfileStore;
  readonly connections: Connections;
  /** Removes the IPC handlers, closes the connection and stops the sandbox if it runs. */
  close(): Promise<void>;
}

/**
 * Builds the desktop app's main-process objects and registers its IPC handlers: the profile store,
 * the connections (whose host session's dispatcher answers every contract operation, profiles
 * included) and the IPC door over them. main.ts calls this; so do the tests.
 */
export function composeMain(
  pieces: ElectronPieces,
  env: NodeJS.ProcessEnv = process.env,
): MainProcess {
  const store = new ProfileStore(join(pieces.userDataDir, 'profiles.json'), pieces.safeStorage);
  const connections = new Connections({
    store,
    actor: env.QUEUESCOPE_OPERATOR ?? defaultActor(),
    startSandbox: () => startLocalRedis(join(pieces.userDataDir, 'local-redis')),
  });
  const unregister = registerIpc({
    ipcMain: pieces.ipcMain,
    session: () => connections.current,
    isTrustedUrl: (url) => isTrustedUrl(url, pieces.rendererDir),
  });
  return {
    store,
    connections,
    async close() {
      unregister();
      await connections.close();
    },
  };
}
