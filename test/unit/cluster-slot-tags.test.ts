import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { slotOf, tagBeside, tagOfSlot } from '../../electron/core/cluster/slot-tags';

// ioredis's own slot function, the reference (a dependency of ioredis).
const referenceSlot = createRequire(import.meta.url)('cluster-key-slot') as (key: string) => number;

/** docs/topologies.md "Cluster enqueue": Queuescope's own keys sit beside the key they belong with. */
describe('hash slots and tags of the cluster enqueue', () => {
  it('computes the slot Redis computes, hash tags and UTF-8 included', () => {
    const samples = [
      'ai:jobs:abc',
      'ai:queue:pending',
      'ai:idempotency:acme:deploy-4471',
      'x{ab}y',
      '{}a',
      'é漢字🙂',
      '',
    ];
    for (let i = 0; i < 500; i++) samples.push(`ai:job:ws-${i}:${(i * 7919).toString(36)}`);
    for (const key of samples) expect(slotOf(key), key).toBe(referenceSlot(key));
  });

  it('has a tag for every slot, and a tagged key lands in the slot of the key it sits beside', () => {
    for (let slot = 0; slot < 16_384; slot += 97) expect(referenceSlot(tagOfSlot(slot))).toBe(slot);
    for (const key of ['ai:queue:pending', 'ai:jobs:j-1', 'ai:idempotency:acme:r-1']) {
      expect(referenceSlot(`ai:qs:enq:pushed:${tagBeside(key)}`)).toBe(referenceSlot(key));
    }
  });
});
