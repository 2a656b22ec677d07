import type { ServerResponse } from 'node:http';
import type { EventHub } from '../adapters/event-hub';

const HEARTBEAT_MS = 15_000;

/**
 * Streams the hub's events to one browser as unnamed SSE messages (`data: {name,payload}`), which
 * is what the console's EventSource `onmessage` reads. Returns a function that ends the stream.
 */
export function streamEvents(res: ServerResponse, hub: EventHub): () => void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write('retry: 2000\n\n');
  const unsubscribe = hub.subscribe((event) => {
    res.write(`data: ${JSON.stringify(event)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    clearInterval(heartbeat);
    unsubscribe();
    res.end();
  };
  res.on('close', end);
  return end;
}
