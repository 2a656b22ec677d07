import type { DoorHandlers } from '../adapters/dispatch';
import type { Connections } from './connections';

/**
 * The contract's profile operations, answered by the desktop app's connections (docs/desktop.md).
 * Each calls its method on the instance itself: a method taken off the instance and called on its
 * own would lose `this`.
 */
export function profileHandlers(connections: Connections): DoorHandlers {
  return {
    listProfiles: () => connections.list(),
    saveProfile: (input) => connections.save(input),
    removeProfile: async ({ id }) => {
      await connections.remove(id);
      return null;
    },
    connectProfile: async ({ id }) => {
      await connections.connect(id);
      return null;
    },
    setWritesUnlocked: async ({ id, unlocked }) => {
      await connections.setWritesUnlocked(id, unlocked);
      return null;
    },
    startSandbox: async () => {
      await connections.startSandbox();
      return null;
    },
  };
}
