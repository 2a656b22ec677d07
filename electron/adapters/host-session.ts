import type { QueueCore } from '../core/core';
import type {
  BackgroundIndexer,
  BackgroundIndexerOptions,
} from '../core/migration/background-indexer';
import { watchConnection, type ConnectionWatch } from './connection-watch';
import { createDispatcher, type Dispatcher } from './dispatch';
import { EventHub } from './event-hub';
import { watchFlag } from './flag-watch';

export interface HostSessionOptions {
  core: QueueCore;
  /** How the connection is named in the console, e.g. "local sandbox" or "redis 10.0.0.5:6379". */
  label: string;
  /** Who writes through this host are audited as. */
  actor: string;
  /** The background indexer's pacing, or false for none (the default paces it for production). */
  indexer?: BackgroundIndexerOptions | false;
}

/**
 * What both hosts (the Electron main process and the web host) run for one console: the dispatcher,
 * the event hub, the watchers that feed it, and the background indexer. The core can be swapped (profile switch, unlock)
 * without the console resubscribing.
 */
export interface HostSession {
  readonly hub: EventHub;
  readonly dispatcher: Dispatcher;
  readonly core: QueueCore;
  readonly label: string;
  /** Uses another core from now on; the caller closes the previous one. */
  replaceCore(core: QueueCore, label: string): void;
  /** Stops the watchers and the hub; resolves once the indexer has sent its last command. */
  close(): Promise<void>;
}

export function createHostSession(options: HostSessionOptions): HostSession {
  const hub = new EventHub();
  let core = options.core;
  let label = options.label;
  const watch = (): ConnectionWatch =>
    watchConnection(core.redis, hub, () => ({ label, read_only: core.readOnly }));
  let connection = watch();
  const stopFlag = watchFlag(() => core, hub);
  const startIndexer = (): BackgroundIndexer | null =>
    options.indexer === false ? null : core.startBackgroundIndexer(options.indexer);
  let indexer = startIndexer();
  const dispatcher = createDispatcher({
    core: () => core,
    actor: () => options.actor,
    events: hub,
  });
  return {
    hub,
    dispatcher,
    get core() {
      return core;
    },
    get label() {
      return label;
    },
    replaceCore(next, nextLabel) {
      const sameClient = next.redis === core.redis;
      void indexer?.stop();
      core = next;
      label = nextLabel;
      indexer = startIndexer();
      if (sameClient) {
        connection.refresh();
        return;
      }
      connection.stop();
      connection = watch();
    },
    async close() {
      connection.stop();
      stopFlag();
      hub.close();
      await indexer?.stop();
    },
  };
}
