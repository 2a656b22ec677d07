/**
 * New keys the old -> new pass of a check found in place: the new copy under its old hash's
 * workspace. The new -> old pass asks of each new key only whether its old hash exists and names
 * that workspace, which such a key has just shown, so a key found here is not sent to Redis again
 * (docs/guarantees.md, "Divergence check").
 *
 * Memory stays bounded whatever the keyspace: keys are held as 64-bit fingerprints of their names
 * in an open-addressing table that grows up to MAX_SLOTS (16 MiB); once that is three quarters full,
 * further keys are not held and are checked in Redis as before. A new key another name shares a
 * fingerprint with would be skipped: for a check of a million jobs, a chance below one in 10^7.
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

export class FoundCopies {
  private hi = new Uint32Array(MIN_SLOTS);
  private lo = new Uint32Array(MIN_SLOTS);
  /** Slots holding a key or a taken mark. */
  private used = 0;

  /** Keys held now (added and not yet taken). */
  size = 0;

  /** Holds a key found in place; a no-op once the table is full. */
  add(key: string): void {
    if (this.used >= (this.hi.length * 3) / 4 && !this.grow()) return;
    const [hi, lo] = fingerprint(key);
    const mask = this.hi.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === hi && this.lo[i] === lo) return;
      if (this.hi[i] === 0 && this.lo[i] === 0) {
        this.hi[i] = hi;
        this.lo[i] = lo;
        this.used++;
        this.size++;
        return;
      }
    }
  }

  /** Whether the key was held; it is forgotten then, so a key listed twice is checked once. */
  take(key: string): boolean {
    if (this.size === 0) return false;
    const [hi, lo] = fingerprint(key);
    const mask = this.hi.length - 1;
    for (let i = lo & mask; ; i = (i + 1) & mask) {
      if (this.hi[i] === 0 && this.lo[i] === 0) return false;
      if (this.hi[i] === hi && this.lo[i] === lo) {
        this.hi[i] = 0;
        this.lo[i] = TAKEN_LO;
        this.size--;
        return true;
      }
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
