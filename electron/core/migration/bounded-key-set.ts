/**
 * A set of strings held as 64-bit fingerprints in an open-addressing table, so its memory stays
 * bounded whatever the keyspace: the table grows up to MAX_SLOTS (16 MiB); once that is three
 * quarters full, `add` holds no more and says so. A string another one shares a fingerprint with
 * would be taken for it: among a million strings, a chance below one in 10^7 per lookup run.
 *
 * A divergence check uses it for what its walk has seen and may act on later without asking Redis
 * again (docs/guarantees.md, "Divergence check"): the new keys the old -> new pass found in place,
 * the jobs it listed as awaiting backfill.
 */
const MIN_SLOTS = 1 << 16;
const MAX_SLOTS = 1 << 21;
/** A slot is empty when both words are 0; taken when hi is 0 and lo is 1 (hi is never 0 else). */
const TAKEN_LO = 1;

/** Two 32-bit hashes of a string's UTF-16 code units, mixed into each other (cyrb53's scheme). */
function fingerprint(key: string): [hi: number, lo: number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0 || 1, h2 >>> 0];
}

export class BoundedKeySet {
  private hi = new Uint32Array(MIN_SLOTS);
  private lo = new Uint32Array(MIN_SLOTS);
  /** Slots holding a key or a taken mark. */
  private used = 0;

  /** Keys held now (added and not yet taken). */
  size = 0;

  /** Holds a key; false when the table is full and the key is not held. */
  add(key: string): boolean {
    if (this.used >= (this.hi.length * 3) / 4 && !this.grow()) return false;
    const [hi, lo] = fingerprint(key);
    const mask = this.hi.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === hi && this.lo[i] === lo) return true;
      if (this.hi[i] === 0 && this.lo[i] === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.used++;
        this.size++;
        return true;
      }
    }
  }

  /** Whether the key is held. */
  has(key: string): boolean {
    return this.slotOf(key) >= 0;
  }

  /** Whether the key was held; it is forgotten then, so a key listed twice is answered once. */
  take(key: string): boolean {
    const slot = this.slotOf(key);
    if (slot < 0) return false;
    this.hi[slot] = 0;
    this.lo[slot] = TAKEN_LO;
    this.size--;
    return true;
  }

  private slotOf(key: string): number {
    if (this.size === 0) return -1;
    const [hi, lo] = fingerprint(key);
    const mask = this.hi.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === 0 && this.lo[i] === 0) return -1;
      if (this.hi[i] === hi && this.lo[i] === lo) return i;
    }
  }

  /** Doubles the table, dropping taken marks; false at the size limit. */
  private grow(): boolean {
    const slots = this.hi.length;
    const target = this.size * 2 < slots ? slots : slots * 2;
    if (target > MAX_SLOTS) return false;
    const [hi, lo] = [this.hi, this.lo];
    this.hi = new Uint32Array(target);
    this.lo = new Uint32Array(target);
    this.used = this.size;
    const mask = target - 1;
    for (let s = 0; s < slots; s++) {
      if (hi[s] === 0) continue;
      let i = lo[s]! & mask;
      while (this.hi[i] !== 0) i = (i + 1) & mask;
      this.hi[i] = hi[s]!;
      this.lo[i] = lo[s]!;
    }
    return true;
  }
}
