import { hostname } from 'node:os';
import type { QueueCore } from '../core/core';
import type {
  BackgroundIndexer,
  BackgroundIndexerOptions,
} from '../core/migration/background-indexer';
import {
  startDepthSampler,
  type DepthSampler,
  type DepthSamplerOptions,
} from '../core/telemetry/depth-sampler';
import { watchConnection, type ConnectionWatch } from './connection-watch';
import { createDispatcher, type Dispatcher, type DoorHandlers } from './dispatch';
import { EventHub } from './event-hub';
import { watchFlag } from './flag-watch';
import { startHealthProbe } from './health-probe';

export interface HostSessionOptions {
  core: QueueCore;
  /** How the connection is named in the console, e.g. "local sandbox" or "redis 10.0.0.5:6379". */
  label: string;
  /** Who writes through this host are audited as. */
  actor: string;
  /** The background indexer's pacing, or false for none (the default paces it for production). */
  indexer?: BackgroundIndexerOptions | false;
  /** The queue depth sampler's pacing, or false for none (docs/connection.md). */
  depthSampler?: DepthSamplerOptions | false;
  /** The health probe's pacing (tests shorten it). */
  probe?: { intervalMs?: number; notAnsweringMs?: number };
  /** How this host names itself in the audit of external flag changes (default: machine and pid). */
  host?: string;
  /** The door's own operations (the desktop app's connection profiles); none for the web host. */
  door?: DoorHandlers;
}

/**
 * What both hosts (the Electron main process and the web host) run for one console: the dispatcher,
 * the event hub, the watchers that feed it (connection, health probe, flag), the background indexer
 * and the queue depth sampler. The core can be swapped (profile switch, unlock) without the console
 * resubscribing.
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
  const host = options.host ?? `${hostname()} pid ${process.pid}`;
  let core = options.core;
  let label = options.label;
  const watch = (): ConnectionWatch =>
    watchConnection(core.redis, hub, () => ({ label, read_only: core.readOnly }));
  let connection = watch();
  const flag = watchFlag(() => core, hub, host);
  const stopProbe = startHealthProbe({
    core: () => core,
    hub,
    connection: () => connection,
    onFlag: (state) => flag.seen(state),
    ...options.probe,
  });
  const startIndexer = (): BackgroundIndexer | null =>
    options.indexer === false ? null : core.startBackgroundIndexer(options.indexer);
  // Sampling writes the metric buckets: a read-only connection (maybe a replica) is left alone.
  const startSampler = (): DepthSampler | null =>
    options.depthSampler === false || core.readOnly
      ? null
      : startDepthSampler(() => core.hostContext(), host, options.depthSampler);
  let indexer = startIndexer();
  let sampler = startSampler();
  const dispatcher = createDispatcher({
    core: () => core,
    actor: () => options.actor,
    events: hub,
    ...(options.door ? { door: options.door } : {}),
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
      void sampler?.stop();
      core = next;
      label = nextLabel;
      indexer = startIndexer();
      sampler = startSampler();
      if (sameClient) {
        connection.refresh();
        return;
      }
      flag.reset();
      connection.stop();
      connection = watch();
    },
    async close() {
      connection.stop();
      stopProbe();
      hub.close();
      await Promise.all([indexer?.stop(), sampler?.stop()]);
    },
  };
}
