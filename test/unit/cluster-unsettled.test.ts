import { describe, expect, it } from 'vitest';
import { toApiError } from '../../electron/core/error-mapping';

/** docs/topologies.md "Redis Cluster": the refusals a cluster gives while it settles. */
const reply = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });
const gaveUp = (last: string) =>
  new Error(`Too many Cluster redirections. Last error: ReplyError: ${last}`);
const read = { write: false, mayHaveBeenSent: true };
const write = { write: true, mayHaveBeenSent: true };

describe('a cluster that is settling', () => {
  it('names what is going on, for each refusal the client gives up on', () => {
    for (const [error, said, why] of [
      [reply('CLUSTERDOWN The cluster is down'), 'CLUSTERDOWN', /no replica has taken over/],
      [gaveUp('CLUSTERDOWN Hash slot not served'), 'CLUSTERDOWN', /no replica has taken over/],
      [
        reply('TRYAGAIN Multiple keys request during rehashing of slot'),
        'TRYAGAIN',
        /resharding is moving/,
      ],
      [gaveUp('MOVED 3999 127.0.0.1:7001'), 'MOVED', /resharding kept moving/],
      [gaveUp('ASK 3999 127.0.0.1:7001'), 'ASK', /resharding kept moving/],
    ] as const) {
      const api = toApiError(error, read);
      expect(api).toMatchObject({
        code: 'REDIS_UNAVAILABLE',
        details: { reason: 'cluster_unsettled', redis_error: said },
      });
      expect(api.message).toMatch(why);
      expect(api.details).not.toHaveProperty('outcome');
      expect(toApiError(error, write).details).toMatchObject({ outcome: 'unknown' });
    }
  });

  it('a MOVED or ASK on its own still comes from a node that hides its mode', () => {
    expect(toApiError(reply('MOVED 3999 127.0.0.1:7001'), read)).toMatchObject({
      code: 'INTERNAL',
      details: { reason: 'cluster_unsupported' },
    });
  });
});
