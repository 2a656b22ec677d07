import type { FlagState } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import type { ConnectionWatch } from './connection-watch';
import type { EventHub } from './event-hub';

/** One probe every PROBE_MS while a console listens: 0.5 Redis commands a second. */
export const PROBE_MS = 2000;
/** A probe unanswered this long marks the connection "not answering". */
export const NOT_ANSWERING_MS = 3000;

export interface HealthProbeOptions {
  core: () => QueueCore;
  hub: EventHub;
  connection: () => ConnectionWatch;
  /** The probe reads the flag: its answer is also what the flag watch needs (one command, two uses). */
  onFlag: (state: FlagState) => void;
  intervalMs?: number;
  notAnsweringMs?: number;
}

/**
 * The hosts' health probe (docs/connection.md): while a console listens, one read of the flag
 * every PROBE_MS on the core's own connection, so it waits behind whatever the console's reads
 * wait behind. Its round trip is the latency in the badge; NOT_ANSWERING_MS without a reply on a
 * connection that looks open turns the state to "not answering". A probe is never sent while the
 * previous one is still out, so a paused Redis does not pile probes up.
 */
export function startHealthProbe(options: HealthProbeOptions): () => void {
  const intervalMs = options.intervalMs ?? PROBE_MS;
  const notAnsweringMs = options.notAnsweringMs ?? NOT_ANSWERING_MS;
  let timer: NodeJS.Timeout | null = null;
  let inFlight = false;

  const probe = async () => {
    const core = options.core();
    if (inFlight || core.redis.status !== 'ready') return;
    inFlight = true;
    const started = performance.now();
    const silence = setTimeout(
      () => options.connection().notAnswering(performance.now() - started),
      notAnsweringMs,
    );
    silence.unref();
    try {
      const flag = await core.invoke('getFlag', {});
      clearTimeout(silence);
      if (core !== options.core()) return; // a reply from the connection just replaced
      options.connection().answered(Math.max(1, Math.round(performance.now() - started)));
      options.onFlag(flag);
    } catch {
      // A dropped connection is reported by the connection watch; a timed-out probe has already
      // turned the state to "not answering", and the next probe tells when Redis is back.
      clearTimeout(silence);
    } finally {
      inFlight = false;
    }
  };

  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const unwatch = options.hub.onActiveChange((active) => {
    stopTimer();
    if (!active) return;
    void probe();
    timer = setInterval(() => void probe(), intervalMs);
    timer.unref();
  });
  return () => {
    unwatch();
    stopTimer();
  };
}
