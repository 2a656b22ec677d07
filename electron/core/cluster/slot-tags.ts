/**
 * Hash slots and hash tags (docs/topologies.md "Cluster enqueue"). The seed's key names cannot
 * change, so their slots are fixed; Queuescope's own keys are placed beside a fixed key by a hash
 * tag `{t}` whose slot is that key's slot. One short tag per slot, computed once.
 */

const SLOTS = 16_384;

/** CRC16-XMODEM, the checksum Redis Cluster's key slots are made of. */
const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? (crc << 1) ^ 0x1021 : crc << 1;
    table[i] = crc & 0xffff;
  }
  return table;
})();

function crc16(bytes: Uint8Array, start: number, end: number): number {
  let crc = 0;
  for (let i = start; i < end; i++)
    crc = ((crc << 8) ^ CRC_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!) & 0xffff;
  return crc;
}

/** The hash slot of a key, honouring a `{tag}` as Redis does (the first `{` and the `}` after it). */
export function slotOf(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b);
  if (open >= 0) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) return crc16(bytes, open + 1, close) % SLOTS;
  }
  return crc16(bytes, 0, bytes.length) % SLOTS;
}

let tags: string[] | null = null;

/** The shortest tag (base 36 counting) whose slot is `slot`. */
export function tagOfSlot(slot: number): string {
  if (!tags) {
    const table: string[] = new Array<string>(SLOTS);
    let filled = 0;
    for (let n = 0; filled < SLOTS; n++) {
      const tag = n.toString(36);
      const s = slotOf(tag);
      if (table[s] === undefined) {
        table[s] = tag;
        filled++;
      }
    }
    tags = table;
  }
  return tags[slot]!;
}

/** A hash tag `{t}` that puts a key in the same slot as `key`. */
export function tagBeside(key: string): string {
  return `{${tagOfSlot(slotOf(key))}}`;
}

/** Queuescope's own keys of the cluster enqueue, each in the slot of the key it belongs with. */
export const clusterEnqueueKeys = {
  /** The intent of a call with a request id, beside its idempotency key. */
  requestIntent: (idempotencyKey: string) =>
    `${INTENT_PREFIX}${tagBeside(idempotencyKey)}:r:${idempotencyKey}`,
  /** The intent of a call without one, keyed by job id, beside the old copy. */
  jobIntent: (oldKey: string, jobId: string) => `${INTENT_PREFIX}${tagBeside(oldKey)}:j:${jobId}`,
  /** The ids pushed to the queue lately, beside the queue. */
  pushed: (queueKey: string) => `ai:qs:enq:pushed:${tagBeside(queueKey)}`,
};

export const INTENT_PREFIX = 'ai:qs:enq:intent:';

/**
 * The flag history on a cluster: beside the flag, so one script sets the flag and records the
 * change on one node's clock (docs/topologies.md "Cluster writes").
 */
export const clusterFlagHistory = (flagKey: string) => `ai:qs:flag:history:${tagBeside(flagKey)}`;

/** The claim of a removeFromQueue call in flight, beside the queue (docs/topologies.md "Cluster writes"). */
export const clusterRemovalClaim = (queueKey: string, jobId: string) =>
  `ai:qs:rmq:${tagBeside(queueKey)}:${jobId}`;
