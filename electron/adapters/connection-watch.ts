import type { Redis } from 'ioredis';
import type { ConnectionState, EventMap } from '../../shared/contract';
import type { EventSink } from './event-hub';

export interface ConnectionWatch {
  /** Re-sends the current state, e.g. after writes were unlocked. */
  refresh(): void;
  /** The health probe got its reply after `latencyMs` (docs/connection.md). */
  answered(latencyMs: number): void;
  /** The health probe has waited `waitedMs` for a reply on a connection that looks open. */
  notAnswering(waitedMs: number): void;
  stop(): void;
}

/**
 * Turns the ioredis client's lifecycle, and the health probe's replies, into `connection` events.
 * A client that lost a working connection is "reconnecting"; once an attempt fails (or it never
 * connected) it is "down" until it is ready again, so a dead server does not flicker between the
 * two on every retry. A connection that is open but gets no reply (a paused or wedged server) is
 * "not_answering" until the probe is answered again: the socket alone cannot tell.
 */
export function watchConnection(
  client: Redis,
  events: EventSink,
  describe: () => { label: string; read_only: boolean },
): ConnectionWatch {
  let state: ConnectionState = client.status === 'ready' ? 'ready' : 'connecting';
  let detail: string | undefined;
  let latency: number | undefined;

  const send = () => {
    const payload: EventMap['connection'] = { state, ...describe() };
    if (detail !== undefined && state !== 'ready') payload.detail = detail;
    if (latency !== undefined && state === 'ready') payload.latency_ms = latency;
    events.emit('connection', payload);
  };
  const move = (next: ConnectionState, why?: string) => {
    if (why !== undefined) detail = why;
    if (next === 'ready') detail = undefined;
    if (next !== 'ready') latency = undefined;
    if (next === state && why === undefined) return;
    state = next;
    send();
  };
  const open = () => state === 'ready' || state === 'not_answering';

  const onReady = () => move('ready');
  const onClose = () => {
    if (open()) move('reconnecting', 'the connection to Redis was lost');
  };
  const onReconnecting = () => {
    if (state !== 'down') move('reconnecting');
  };
  const onError = (error: Error) => {
    if (!open()) move('down', error.message);
  };
  const onEnd = () => move('down', 'the client stopped reconnecting');

  client.on('ready', onReady);
  client.on('close', onClose);
  client.on('reconnecting', onReconnecting);
  client.on('error', onError);
  client.on('end', onEnd);
  send();

  return {
    refresh: send,
    answered(latencyMs) {
      if (!open() || client.status !== 'ready') return;
      latency = latencyMs;
      if (state === 'not_answering') move('ready');
      else send();
    },
    notAnswering(waitedMs) {
      if (state !== 'ready' || client.status !== 'ready') return;
      move(
        'not_answering',
        `Redis has not answered for ${Math.round(waitedMs / 1000)} s (paused, overloaded or a stalled network); writes are held back until it answers`,
      );
    },
    stop() {
      client.off('ready', onReady);
      client.off('close', onClose);
      client.off('reconnecting', onReconnecting);
      client.off('error', onError);
      client.off('end', onEnd);
    },
  };
}
