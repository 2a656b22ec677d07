import { describe, expect, it } from 'vitest';
import { keys, minuteOf } from '../../electron/core/keys';
import { sampleJob, useRedis } from '../helpers/core';

/**
 * A right-typed key can still hold a value a command refuses at run time (HINCRBY on "abc"). Redis
 * cannot roll back a script, so such a refusal after the first write would leave the job half-done.
 */
describe('a corrupted dual-write counter', () => {
  const env = useRedis();
  const counters = () => [keys.metricsTotal, keys.metricsBucket(minuteOf(Date.now()))];

  it.each(['not a number', '1.5', '99999999999999999999'])(
    'holding "%s" neither fails nor half-writes an enqueue, and counting resumes',
    async (corrupt) => {
      const core = env.core({ defaultFlag: 'on' });
      for (const key of counters()) await env.redis.hset(key, 'ws-1|succeeded', corrupt);
      const input = sampleJob({ job_id: 'job-1', client_request_id: 'req-1' });
      expect(await core.invoke('enqueue', input)).toEqual({ outcome: 'enqueued', job_id: 'job-1' });
      expect(await core.invoke('enqueue', input)).toEqual({
        outcome: 'duplicate',
        job_id: 'job-1',
      });
      expect(await env.redis.lrange(keys.queue, 0, -1)).toEqual(['job-1']);
      expect(await env.redis.exists(keys.newJob('ws-1', 'job-1'))).toBe(1);
      await core.invoke('enqueue', sampleJob({ job_id: 'job-2' }));
      expect(await env.redis.hget(keys.metricsTotal, 'ws-1|succeeded')).toBe('2');
    },
  );
});
