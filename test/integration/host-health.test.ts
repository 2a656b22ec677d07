import { afterEach, describe, expect, it } from 'vitest';
import type { EventEnvelope, EventMap } from '../../shared/contract';
import { createHostSession, type HostSession } from '../../electron/adapters/host-session';
import { keys, minuteOf } from '../../electron/core/keys';
import { sampleDepthOnce } from '../../electron/core/telemetry/depth-sampler';
import { useRedis } from '../helpers/core';

const env = useRedis();
const sessions: HostSession[] = [];
afterEach(async () => {
  env.server.resume();
  await Promise.all(sessions.splice(0).map((s) => s.close()));
});

function host(name: string, options: { readOnly?: boolean; sampleMs?: number } = {}) {
  const session = createHostSession({
    core: env.core({ readOnly: options.readOnly ?? false }),
    label: name,
    actor: 'ops',
    host: name,
    indexer: false,
    depthSampler: options.sampleMs ? { intervalMs: options.sampleMs } : false,
    probe: { intervalMs: 100, notAnsweringMs: 600 },
  });
  sessions.push(session);
  const events: EventEnvelope[] = [];
  session.hub.subscribe((e) => events.push(e));
  return { session, events };
}

const until = async (check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

const connection = (events: EventEnvelope[]) =>
  events.filter((e) => e.name === 'connection').map((e) => e.payload as EventMap['connection']);
const lastState = (events: EventEnvelope[]) => connection(events).at(-1)?.state;

async function auditEntries() {
  return (await env.redis.xrange(keys.audit, '-', '+')).map(([, flat]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
    return f;
  });
}

describe('health probe (docs/connection.md)', () => {
  it('reports latency while Redis answers, "not_answering" while it is paused, and ready again after', async () => {
    const { events } = host('probe-host');
    await until(() => connection(events).some((c) => c.state === 'ready' && c.latency_ms! > 0));

    env.server.pause();
    const pausedAt = Date.now();
    await until(() => lastState(events) === 'not_answering');
    const waited = Date.now() - pausedAt;
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(waited).toBeLessThan(3000);
    const stalled = connection(events).at(-1)!;
    expect(stalled.detail).toMatch(/has not answered/);
    expect(stalled.latency_ms).toBeUndefined();

    env.server.resume();
    await until(() => lastState(events) === 'ready');
    expect(connection(events).at(-1)!.latency_ms).toBeGreaterThan(0);
  });

  it('probes only while a console listens', async () => {
    const session = createHostSession({
      core: env.core(),
      label: 'idle',
      actor: 'ops',
      indexer: false,
      depthSampler: false,
      probe: { intervalMs: 50 },
    });
    sessions.push(session);
    const seen: string[] = [];
    const monitor = await env.server.client().monitor();
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args[0]!.toLowerCase()));
    try {
      await new Promise((r) => setTimeout(r, 400));
      expect(seen.filter((c) => c === 'get')).toEqual([]);
      const stop = session.hub.subscribe(() => undefined);
      await until(() => seen.includes('get'));
      stop();
    } finally {
      monitor.disconnect();
    }
  });
});

describe('flag changes made outside Queuescope (docs/connection.md)', () => {
  it('two hosts watching one Redis record a redis-cli change exactly once, as external', async () => {
    const a = host('host-a');
    const b = host('host-b');
    const flagSeen = (events: EventEnvelope[], value: string) =>
      events.some((e) => e.name === 'flag' && (e.payload as EventMap['flag']).new_schema === value);
    await until(() => flagSeen(a.events, 'off') && flagSeen(b.events, 'off'));

    await env.redis.set(keys.flag, 'on');
    await until(() => flagSeen(a.events, 'on') && flagSeen(b.events, 'on'));
    await new Promise((r) => setTimeout(r, 300)); // both hosts have run their note by now

    const entries = await auditEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      operation: 'setFlag',
      target: 'new_schema=on',
      outcome: 'ok',
    });
    expect(entries[0]!.actor).toMatch(/^external \(seen by host host-[ab]\)$/);
    // The history now says when (Redis time), so jobs enqueued after it are not "awaiting backfill".
    const history = await env.redis.zrange(keys.flagHistory, '0', '-1');
    expect(history).toHaveLength(1);
    expect(history[0]).toMatch(/^on:\d{13}$/);

    // A change through Queuescope is audited by its own call, never again as external.
    await a.session.core.invoke('setFlag', { value: 'off', actor_id: 'ops' }, { actor: 'kim' });
    await until(
      () => flagSeen(b.events, 'off') && a.events.filter((e) => e.name === 'flag').length >= 3,
    );
    await new Promise((r) => setTimeout(r, 300));
    const after = await auditEntries();
    expect(after.map((e) => e.actor)).toEqual([entries[0]!.actor, 'kim']);
  });

  it('a read-only host sees the change but writes nothing', async () => {
    const ro = host('host-ro', { readOnly: true });
    await until(() => ro.events.some((e) => e.name === 'flag'));
    await env.redis.set(keys.flag, 'on');
    await until(() =>
      ro.events.some(
        (e) => e.name === 'flag' && (e.payload as EventMap['flag']).new_schema === 'on',
      ),
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(await auditEntries()).toEqual([]);
    expect(await env.redis.exists(keys.flagHistory)).toBe(0);
  });
});

describe('queue depth sampling by the hosts (docs/connection.md)', () => {
  it('one host per minute takes the sample, however many try', async () => {
    await env.redis.rpush(keys.queue, 'j1', 'j2', 'j3');
    const now = Date.UTC(2026, 0, 5, 10, 30, 15);
    const cores = [env.core(), env.core(), env.core()];
    const results = await Promise.all(cores.map((c, i) => sampleDepthOnce(c, `h${i}`, now)));
    expect(results.filter((r) => r !== null)).toEqual([3]);
    const bucket = keys.metricsBucket(minuteOf(now));
    expect(await env.redis.hget(bucket, 'queue_depth')).toBe('3');
    expect(await env.redis.ttl(bucket)).toBeGreaterThan(0);

    await env.redis.rpush(keys.queue, 'j4');
    expect(await sampleDepthOnce(cores[1]!, 'h1', now + 30_000)).toBeNull();
    expect(await sampleDepthOnce(cores[2]!, 'h2', now + 60_000)).toBe(4);
    expect(await env.redis.hget(keys.metricsBucket(minuteOf(now + 60_000)), 'queue_depth')).toBe(
      '4',
    );
  });

  it('a host samples with no console open', async () => {
    await env.redis.rpush(keys.queue, 'j1');
    const session = createHostSession({
      core: env.core(),
      label: 'unwatched',
      actor: 'ops',
      indexer: false,
      depthSampler: { intervalMs: 50 },
    });
    sessions.push(session);
    expect(session.hub.subscribers).toBe(0);
    // The minute may turn between the host's sample and this read: either bucket holds it.
    const now = Date.now();
    const buckets = [minuteOf(now), minuteOf(now) + 60_000].map(keys.metricsBucket);
    const end = now + 5000;
    let depths: Array<string | null> = [];
    while (!depths.includes('1') && Date.now() < end) {
      depths = await Promise.all(buckets.map((b) => env.redis.hget(b, 'queue_depth')));
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(depths).toContain('1');
  });
});
