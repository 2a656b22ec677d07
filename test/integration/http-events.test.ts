import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../shared/contract';
import { serve, type WebHost } from '../../electron/server/serve';
import { sampleJob, useRedis } from '../helpers/core';

const env = useRedis();
let host: WebHost;
afterEach(async () => host?.close());

/** Reads the SSE stream the way the console's EventSource does: unnamed `data:` messages. */
async function openStream(url: string) {
  const controller = new AbortController();
  const reply = await fetch(url, { signal: controller.signal });
  expect(reply.headers.get('content-type')).toMatch(/^text\/event-stream/);
  const events: EventEnvelope[] = [];
  const reader = reply.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        expect(block).not.toMatch(/^event:/m);
        const data = block
          .split('\n')
          .filter((l) => l.startsWith('data: '))
          .map((l) => l.slice(6));
        if (data.length) events.push(JSON.parse(data.join('\n')) as EventEnvelope);
      }
    }
  })();
  return { events, close: () => controller.abort() };
}

const until = async (check: () => boolean) => {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
};

describe('web host events', () => {
  it('streams the connection, flag changes made elsewhere, and job changes', async () => {
    host = await serve({ core: env.core(), readOnly: false, label: 'events test' });
    const token = new URL(host.url).searchParams.get('token')!;
    const stream = await openStream(new URL(`/api/events?token=${token}`, host.url).href);
    await until(() => stream.events.some((e) => e.name === 'flag'));
    // The first message is the current state (connecting, under load, then ready).
    expect(stream.events[0]?.name).toBe('connection');
    await until(() =>
      stream.events.some(
        (e) =>
          e.name === 'connection' && (e as EventEnvelope<'connection'>).payload.state === 'ready',
      ),
    );
    // Once ready, each health probe re-sends the state with its round trip (docs/connection.md).
    await until(() =>
      stream.events.some(
        (e) => e.name === 'connection' && (e as EventEnvelope<'connection'>).payload.latency_ms,
      ),
    );
    expect(stream.events.filter((e) => e.name === 'connection').at(-1)).toEqual({
      name: 'connection',
      payload: {
        state: 'ready',
        label: 'events test',
        read_only: false,
        latency_ms: expect.any(Number),
      },
    });

    await env.redis.set('ai:flags:new_schema', 'on');
    await until(() =>
      stream.events.some(
        (e) => e.name === 'flag' && (e as EventEnvelope<'flag'>).payload.new_schema === 'on',
      ),
    );

    await fetch(new URL('/api/enqueue', host.url), {
      method: 'POST',
      headers: { 'x-queuescope-token': token, 'content-type': 'application/json' },
      body: JSON.stringify(sampleJob({ workspace_id: 'ws-ev' })),
    });
    await until(() => stream.events.some((e) => e.name === 'jobs'));
    expect(stream.events.filter((e) => e.name === 'jobs')).toEqual([
      { name: 'jobs', payload: { workspace_id: 'ws-ev' } },
    ]);
    stream.close();
  });

  it('reports Redis going down and coming back', async () => {
    host = await serve({ core: env.core(), readOnly: true });
    const token = new URL(host.url).searchParams.get('token')!;
    const stream = await openStream(new URL(`/api/events?token=${token}`, host.url).href);
    const states = () =>
      stream.events
        .filter((e) => e.name === 'connection')
        .map((e) => (e as EventEnvelope<'connection'>).payload.state);
    await until(() => states().includes('ready'));
    await env.server.kill();
    await until(() => states().includes('reconnecting'));
    await env.server.restart();
    await until(() => states().at(-1) === 'ready');
    expect(states()).toContain('reconnecting');
    stream.close();
  });
});
