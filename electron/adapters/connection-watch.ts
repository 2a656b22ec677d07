import type { Redis } from 'ioredis';
import type { ConnectionState, EventMap } from '../../shared/contract';
import type { EventSink } from './event-hub';

export interface ConnectionWatch {
  /** Re-sends the current state, e.g. after writes were unlocked. */
  refresh(): void;
  stop(): void;
}

/**
 * Turns the ioredis client's lifecycle into `connection` events. A client that lost a working
 * connection is "reconnecting"; once an attempt fails (or it never connected) it is "down" until
 * it is ready again, so a dead server does not flicker between the two on every retry.
 */
export function watchConnection(
  client: Redis,
  events: EventSink,
  describe: () => { label: string; read_only: boolean },
): ConnectionWatch {
  let state: ConnectionState = client.status === 'ready' ? 'ready' : 'connecting';
  let detail: string | undefined;

  const send = () => {
    const payload: EventMap['connection'] = { state, ...describe() };
    if (detail !== undefined && state !== 'ready') payload.detail = detail;
    events.emit('connection', payload);
  };
  const move = (next: ConnectionState, why?: string) => {
    if (why !== undefined) detail = why;
    if (next === 'ready') detail = undefined;
    if (next === state && why === undefined) return;
    state = next;
    send();
  };

  const onReady = () => move('ready');
  const onClose = () => {
    if (state === 'ready') move('reconnecting', 'the connection to Redis was lost');
  };
  const onReconnecting = () => {
    if (state !== 'down') move('reconnecting');
  };
  const onError = (error: Error) => {
    if (state !== 'ready') move('down', error.message);
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
    stop() {
      client.off('ready', onReady);
      client.off('close', onClose);
      client.off('reconnecting', onReconnecting);
      client.off('error', onError);
      client.off('end', onEnd);
    },
  };
}
