import type { FlagValue } from '../../shared/contract';
import type { QueueCore } from '../core/core';
import type { EventHub } from './event-hub';

export const FLAG_POLL_MS = 2000;

/**
 * Emits `flag` when the migration flag changes, whoever flipped it. Polls with one GET every
 * `intervalMs`, and only while a console is subscribed, so an idle host costs Redis nothing.
 */
export function watchFlag(
  core: () => QueueCore,
  hub: EventHub,
  intervalMs = FLAG_POLL_MS,
): () => void {
  let timer: NodeJS.Timeout | null = null;
  let last: FlagValue | null = null;
  let inFlight = false;

  const poll = async () => {
    if (inFlight) return;
    inFlight = true;
    try {
      const { new_schema } = await core().invoke('getFlag', {});
      if (new_schema !== last) {
        last = new_schema;
        hub.emit('flag', { new_schema });
      }
    } catch {
      // Redis being away is reported by the connection watch; the next tick tries again.
    } finally {
      inFlight = false;
    }
  };

  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = null;
  };
  const unwatch = hub.onActiveChange((active) => {
    stopTimer();
    if (!active) return;
    void poll();
    timer = setInterval(() => void poll(), intervalMs);
    timer.unref();
  });

  return () => {
    unwatch();
    stopTimer();
  };
}
