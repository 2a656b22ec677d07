import { createHash } from 'node:crypto';

/** One field and its value, as bytes (a producer may write bytes that are not UTF-8). */
export type FieldPair = readonly [field: Buffer, value: Buffer];

/**
 * A hash's compare-and-set token as the Lua include `fingerprint` computes it: sha1 of its
 * field/value pairs, each `{bytes}:{field}{bytes}:{value}`, sorted bytewise and joined by '\n'; ''
 * for an absent (empty) hash. The Lua include sorts by bytes too, whatever collation the server
 * runs under (docs/repair.md).
 */
export function fingerprintOfPairs(pairs: Iterable<FieldPair>): string {
  const entries: Buffer[] = [];
  for (const [field, value] of pairs) {
    entries.push(
      Buffer.concat([
        Buffer.from(`${field.length}:`),
        field,
        Buffer.from(`${value.length}:`),
        value,
      ]),
    );
  }
  if (entries.length === 0) return '';
  entries.sort(Buffer.compare);
  const sha = createHash('sha1');
  entries.forEach((entry, i) => {
    if (i > 0) sha.update('\n');
    sha.update(entry);
  });
  return sha.digest('hex');
}
