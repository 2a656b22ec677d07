/*
 * Equality of two copies of a job field (docs/guarantees.md, "Equality of two copies"): equal
 * bytes, or two strict JSON texts (RFC 8259) denoting the same JSON value. The divergence check runs
 * the same rule in Lua (lua/includes/json-equal.lua) and test/fixtures/equality-cases.json runs
 * through both, so this file and that one change together.
 *
 * Both turn a JSON text into one canonical text and compare those: keys sorted by code point (the
 * order of their UTF-8 bytes) with the last of duplicate keys winning, strings unescaped, numbers as
 * sign, significant digits and exponent (exact: never through a double). Values come from ioredis as
 * decoded strings, so code points here play the part of UTF-8 bytes there; a lone surrogate escape
 * stays one UTF-16 unit here and becomes generalised UTF-8 there, so both still agree.
 * Parsing keeps its own stack instead of recursing, so nesting depth has no limit in either.
 */

interface ArrayFrame {
  close: 0x5d;
  text: string;
}
/** Members in the order read; duplicates are settled when the object closes. */
interface ObjectFrame {
  close: 0x7d;
  keys: string[];
  values: string[];
}
type Frame = ArrayFrame | ObjectFrame;

const SIMPLE_ESCAPES = new Map([
  ['"', '"'],
  ['\\', '\\'],
  ['/', '/'],
  ['b', '\b'],
  ['f', '\f'],
  ['n', '\n'],
  ['r', '\r'],
  ['t', '\t'],
]);
const HEX4 = /^[0-9a-fA-F]{4}$/;
const NUMBER = /(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?/y;
const NEEDS_ESCAPE = /["\\]/;
const LITERALS = ['true', 'false', 'null'];

function quote(s: string): string {
  return NEEDS_ESCAPE.test(s) ? `"${s.replace(/["\\]/g, '\\$&')}"` : `"${s}"`;
}

/** The exact value digits x 10^exponent, with no leading or trailing zeros in the digits. */
function canonicalNumber(sign: string, int: string, frac: string, exp: string): string {
  const digits = int + frac;
  let lead = 0;
  while (lead < digits.length && digits.charCodeAt(lead) === 0x30) lead++;
  if (lead === digits.length) return '0';
  let end = digits.length;
  while (digits.charCodeAt(end - 1) === 0x30) end--;
  const exponent = BigInt(exp || '0') + BigInt(digits.length - end - frac.length);
  return `${sign}${digits.slice(lead, end)}e${exponent}`;
}

/** Orders strings by code point, the order of their UTF-8 bytes (UTF-16 units order differently). */
function byCodePoint(a: string, b: string): number {
  for (let i = 0; i < a.length && i < b.length;) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

/** Members sorted by key, the last of duplicate keys kept (a stable sort keeps them in order). */
function closeObject({ keys, values }: ObjectFrame): string {
  const order = keys.map((_, i) => i);
  if (order.length > 1) order.sort((i, j) => byCodePoint(keys[i]!, keys[j]!));
  // `+` builds V8 ropes, flattened once when compared: deep nesting copies nothing per level.
  let text = '{';
  for (let n = 0; n < order.length; n++) {
    const i = order[n]!;
    if (n + 1 < order.length && keys[order[n + 1]!] === keys[i]) continue;
    text += (text.length > 1 ? ',' : '') + quote(keys[i]!) + ':' + values[i]!;
  }
  return text + '}';
}

/** One pass over a text; each read returns null when the text is not strict JSON there. */
class Canonicalizer {
  private pos = 0;
  constructor(private readonly s: string) {}

  run(): string | null {
    const stack: Frame[] = [];
    this.skipWhitespace();
    for (;;) {
      let value = this.openOrScalar(stack);
      if (value === null) return null;
      if (value === undefined) continue;
      // A value is complete: hand it to its container, closing every container that ends here.
      for (;;) {
        this.skipWhitespace();
        const frame = stack[stack.length - 1];
        if (!frame) return this.pos === this.s.length ? value : null;
        if (frame.close === 0x7d) frame.values.push(value);
        else frame.text += frame.text.length > 1 ? ',' + value : value;
        const c = this.s.charCodeAt(this.pos++);
        if (c === 0x2c) {
          this.skipWhitespace();
          if (frame.close === 0x7d && !this.readKey(frame)) return null;
          break;
        }
        if (c !== frame.close) return null;
        stack.pop();
        value = frame.close === 0x7d ? closeObject(frame) : frame.text + ']';
      }
    }
  }

  /** A scalar or empty container's canonical text, undefined after opening a container. */
  private openOrScalar(stack: Frame[]): string | null | undefined {
    const c = this.s.charCodeAt(this.pos);
    if (c !== 0x7b && c !== 0x5b) return this.readScalar();
    this.pos++;
    this.skipWhitespace();
    if (this.s.charCodeAt(this.pos) === c + 2) {
      this.pos++;
      return c === 0x7b ? '{}' : '[]';
    }
    if (c === 0x5b) stack.push({ close: 0x5d, text: '[' });
    else {
      const frame: ObjectFrame = { close: 0x7d, keys: [], values: [] };
      if (!this.readKey(frame)) return null;
      stack.push(frame);
    }
    return undefined;
  }

  private skipWhitespace(): void {
    for (;;) {
      const c = this.s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      this.pos++;
    }
  }

  /** Reads `"key" :` into the frame, leaving pos where its value starts. */
  private readKey(frame: ObjectFrame): boolean {
    const key = this.s.charCodeAt(this.pos) === 0x22 ? this.readString() : null;
    if (key === null) return false;
    this.skipWhitespace();
    if (this.s.charCodeAt(this.pos++) !== 0x3a) return false;
    this.skipWhitespace();
    frame.keys.push(key);
    return true;
  }

  private readScalar(): string | null {
    const { s, pos } = this;
    if (s.charCodeAt(pos) === 0x22) {
      const str = this.readString();
      return str === null ? null : quote(str);
    }
    for (const literal of LITERALS) {
      if (s.startsWith(literal, pos)) {
        this.pos += literal.length;
        return literal;
      }
    }
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(s);
    if (!m) return null;
    this.pos += m[0].length;
    return canonicalNumber(m[1]!, m[2]!, m[3] ?? '', m[4] ?? '');
  }

  /** The unescaped string whose opening quote is at pos; pos ends after its closing quote. */
  private readString(): string | null {
    const { s } = this;
    let out = '';
    let from = this.pos + 1;
    for (let i = from; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 0x22) {
        this.pos = i + 1;
        return out + s.slice(from, i);
      }
      if (c < 0x20) return null;
      if (c !== 0x5c) continue;
      out += s.slice(from, i);
      const escape = s.charAt(i + 1);
      const simple = SIMPLE_ESCAPES.get(escape);
      if (simple !== undefined) {
        out += simple;
        i += 1;
      } else if (escape === 'u' && HEX4.test(s.slice(i + 2, i + 6))) {
        // One UTF-16 unit per escape: a pair of escapes makes one code point, as in the Lua.
        out += String.fromCharCode(parseInt(s.slice(i + 2, i + 6), 16));
        i += 5;
      } else return null;
      from = i + 1;
    }
    return null;
  }
}

/** The canonical text of a strict JSON text, or null when the text is not JSON. */
export function canonicalJson(text: string): string | null {
  return new Canonicalizer(text).run();
}

/** Whether two copies of one field are equal; undefined is an absent field. */
export function sameFieldValue(a?: string, b?: string): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const canonical = canonicalJson(a);
  return canonical !== null && canonical === canonicalJson(b);
}

/** Fields whose values differ between two copies of a job hash, a field absent from one included. */
export function differingFields(
  a: Readonly<Record<string, string>>,
  b: Readonly<Record<string, string>>,
): string[] {
  const differing: string[] = [];
  for (const field of Object.keys(a)) {
    if (!sameFieldValue(a[field], Object.hasOwn(b, field) ? b[field] : undefined))
      differing.push(field);
  }
  for (const field of Object.keys(b)) if (!Object.hasOwn(a, field)) differing.push(field);
  return differing.sort();
}
