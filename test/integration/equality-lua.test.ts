import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import table from '../fixtures/equality-cases.json';
import { canonicalJson, sameFieldValue } from '../../electron/core/equality';
import { withIncludes } from '../../electron/core/scripts';
import { useRedis } from '../helpers/core';

/**
 * Runs sameValue of the json-equal include on many pairs in one call. ARGV holds three values a
 * pair: which sides are present ('ab', 'a', 'b' or ''), then a and b. Replies per pair: 1 or 0, and
 * the hex of each side's canonical text ('' when not JSON), so the two languages' canonical forms
 * can be compared byte for byte, lone surrogates included.
 */
const WRAPPER = withIncludes(`-- @include json-equal
local function hex(s)
  if s == nil then return '' end
  return (string.gsub(s, '.', function(c) return string.format('%02x', string.byte(c)) end))
end
local out = {}
for i = 1, #ARGV, 3 do
  local present = ARGV[i]
  local a = string.find(present, 'a', 1, true) and ARGV[i + 1] or nil
  local b = string.find(present, 'b', 1, true) and ARGV[i + 2] or nil
  out[#out + 1] = sameValue(a, b) and 1 or 0
  out[#out + 1] = a and hex(canonicalJson(a)) or ''
  out[#out + 1] = b and hex(canonicalJson(b)) or ''
end
return out`);

type Pair = [a: string | undefined, b: string | undefined];

/** The canonical text as generalised UTF-8 hex, a lone surrogate as its own 3 bytes, as in Lua. */
function wtf8Hex(text: string | null | undefined): string {
  const bytes = [...(text ?? '')].map((ch) => {
    const cp = ch.codePointAt(0)!;
    const lone = cp >= 0xd800 && cp < 0xe000;
    return lone ? Buffer.from([0xed, 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63)]) : Buffer.from(ch);
  });
  return Buffer.concat(bytes).toString('hex');
}

/** A JSON value with exact numbers: sign * digits * 10^exp, digits without trailing zeros. */
type Model =
  | { k: 'null' }
  | { k: 'bool'; v: boolean }
  | { k: 'num'; neg: boolean; digits: bigint; exp: number }
  | { k: 'str'; v: string }
  | { k: 'arr'; v: Model[] }
  | { k: 'obj'; v: Array<[string, Model]> };

function num(neg: boolean, digits: bigint, exp: number): Model {
  if (digits === 0n) return { k: 'num', neg: false, digits, exp: 0 };
  while (digits % 10n === 0n) [digits, exp] = [digits / 10n, exp + 1];
  return { k: 'num', neg, digits, exp };
}

function modelEqual(x: Model, y: Model): boolean {
  if (x.k === 'num' && y.k === 'num')
    return x.neg === y.neg && x.digits === y.digits && x.exp === y.exp;
  if (x.k === 'arr' && y.k === 'arr')
    return x.v.length === y.v.length && x.v.every((item, i) => modelEqual(item, y.v[i]!));
  if (x.k === 'obj' && y.k === 'obj') {
    const other = new Map(y.v);
    return (
      x.v.length === y.v.length &&
      x.v.every(([k, v]) => other.has(k) && modelEqual(v, other.get(k)!))
    );
  }
  return x.k === y.k && (x as { v?: unknown }).v === (y as { v?: unknown }).v;
}

// Characters that need care: escapes, a lone surrogate of each half, non-ASCII and astral ones.
const char = fc.oneof(
  fc.constantFrom(
    '"',
    '\\',
    '/',
    '\n',
    '\t',
    '\u0000',
    '\u001f',
    'é',
    '😀',
    '\ud800',
    '\udfff',
    '\u2028',
  ),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const text = fc.string({ unit: char, maxLength: 6 });
const scalar = fc.oneof(
  fc.constant<Model>({ k: 'null' }),
  fc.boolean().map((v): Model => ({ k: 'bool', v })),
  fc
    .tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 25n }), fc.integer({ min: -30, max: 30 }))
    .map(([neg, digits, exp]) => num(neg, digits, exp)),
  fc
    .tuple(fc.boolean(), fc.bigInt({ min: 1n, max: 99n }), fc.integer({ min: -400, max: 400 }))
    .map(([neg, digits, exp]) => num(neg, digits, exp)),
  text.map((v): Model => ({ k: 'str', v })),
);
const { value: jsonModel } = fc.letrec<{ value: Model; arr: Model; obj: Model }>((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('arr'), tie('obj')),
  arr: fc.array(tie('value'), { maxLength: 4 }).map((v): Model => ({ k: 'arr', v })),
  obj: fc
    .uniqueArray(fc.tuple(text, tie('value')), { selector: ([k]) => k, maxLength: 4 })
    .map((v): Model => ({ k: 'obj', v })),
}));

/** A deterministic stream of choices from a seed, so fast-check can shrink a spelling. */
function chooser(seed: number) {
  let state = seed >>> 0;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { rand, pick: <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]! };
}

const SHORT: Record<string, string> = { '\n': 'n', '\t': 't', '\r': 'r', '\b': 'b', '\f': 'f' };

/** One of the many texts of a value: Python or JavaScript style, escapes, spellings of numbers. */
function spell(m: Model, seed: number): string {
  const { rand, pick } = chooser(seed);
  const [ascii, upperHex, slash, spaced] = [rand() < 0.5, rand() < 0.5, rand() < 0.3, rand() < 0.5];
  const ws = () => (spaced ? pick(['', ' ', '  ', '\n', '\t', '\r\n ']) : '');
  const hex = (unit: number) => {
    const h = `\\u${unit.toString(16).padStart(4, '0')}`;
    return upperHex ? h.toUpperCase().replace('\\U', '\\u') : h;
  };
  const units = (ch: string) =>
    [...Array(ch.length).keys()].map((i) => hex(ch.charCodeAt(i))).join('');
  const spellChar = (ch: string): string => {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') return rand() < 0.5 ? `\\${ch}` : hex(cp);
    if (ch === '/') return slash ? '\\/' : '/';
    if (cp < 0x20) return SHORT[ch] && rand() < 0.5 ? `\\${SHORT[ch]}` : hex(cp);
    if (cp >= 0xd800 && cp < 0xe000) return hex(cp); // a lone surrogate has no UTF-8 of its own
    if (cp < 0x80) return rand() < 0.1 ? hex(cp) : ch;
    return ascii ? units(ch) : ch;
  };
  const str = (s: string) => `"${[...s].map(spellChar).join('')}"`;
  const number = (neg: boolean, digits: bigint, exp: number): string => {
    if (digits === 0n) return pick(['0', '-0', '0.0', '0e5', '-0.00E-3', '0.000']);
    const shift = Math.floor(rand() * 3);
    const d = (digits * 10n ** BigInt(shift)).toString();
    const e = exp - shift;
    const sign = neg ? '-' : '';
    const form = rand();
    if (form < 0.3 && e >= 0 && e <= 40) return sign + d + '0'.repeat(e) + pick(['', '.0', '.00']);
    if (form < 0.6 && e < 0 && e >= -40) {
      const padded = d.padStart(1 - e, '0');
      return `${sign}${padded.slice(0, padded.length + e)}.${padded.slice(padded.length + e)}`;
    }
    if (form < 0.7) return `${sign}0.${d}e${e + d.length}`;
    const point = Math.floor(rand() * d.length);
    const mantissa = point ? `${d.slice(0, d.length - point)}.${d.slice(d.length - point)}` : d;
    const e2 = e + point;
    const expSign = e2 < 0 ? '-' : pick(['', '+']);
    return `${sign}${mantissa}${pick(['e', 'E'])}${expSign}${pick(['', '0'])}${Math.abs(e2)}`;
  };
  const go = (v: Model): string => {
    switch (v.k) {
      case 'null':
        return 'null';
      case 'bool':
        return String(v.v);
      case 'num':
        return number(v.neg, v.digits, v.exp);
      case 'str':
        return str(v.v);
      case 'arr':
        return `[${ws()}${v.v.map(go).join(`${ws()},${ws()}`)}${ws()}]`;
      case 'obj': {
        const members = v.v.map(([k, item]) => `${str(k)}${ws()}:${ws()}${go(item)}`);
        for (let i = members.length - 1; i > 0; i--) {
          const j = Math.floor(rand() * (i + 1));
          [members[i], members[j]] = [members[j]!, members[i]!];
        }
        // A duplicate key before the real one: the last one wins.
        if (v.v.length && rand() < 0.2)
          members.unshift(`${str(v.v[0]![0])}:${pick(['1', '{}', '"x"'])}`);
        return `{${ws()}${members.join(`${ws()},${ws()}`)}${ws()}}`;
      }
    }
  };
  return ws() + go(m) + ws();
}

/** Every node of a value, each with a way to rebuild the whole value with that node replaced. */
function places(m: Model): Array<{ node: Model; rebuild: (r: Model) => Model }> {
  const out = [{ node: m, rebuild: (r: Model) => r }];
  if (m.k === 'arr')
    m.v.forEach((item, i) => {
      for (const p of places(item))
        out.push({ node: p.node, rebuild: (r) => ({ k: 'arr', v: m.v.with(i, p.rebuild(r)) }) });
    });
  if (m.k === 'obj')
    m.v.forEach(([key, item], i) => {
      for (const p of places(item))
        out.push({
          node: p.node,
          rebuild: (r) => ({ k: 'obj', v: m.v.with(i, [key, p.rebuild(r)]) }),
        });
    });
  return out;
}

/** One change to a node: a leaf, a digit, a key dropped or added, items swapped, {} and []. */
function alter(node: Model, seed: number): Model {
  const { rand, pick } = chooser(seed);
  const at = (n: number) => Math.floor(rand() * n);
  switch (node.k) {
    case 'null':
      return pick<Model>([{ k: 'bool', v: false }, num(false, 0n, 0), { k: 'str', v: '' }]);
    case 'bool':
      return { k: 'bool', v: !node.v };
    case 'num':
      return pick<Model>([
        num(node.neg, node.digits + 1n, node.exp),
        num(node.neg, node.digits, node.exp + 1),
        num(!node.neg, node.digits, node.exp),
        { k: 'str', v: String(node.digits) },
      ]);
    case 'str':
      return pick<Model>([
        { k: 'str', v: `${node.v}x` },
        { k: 'str', v: node.v.slice(1) },
      ]);
    case 'arr': {
      if (!node.v.length)
        return pick<Model>([
          { k: 'obj', v: [] },
          { k: 'arr', v: [{ k: 'null' }] },
        ]);
      const [i, j] = [at(node.v.length), at(node.v.length)];
      const swapped = node.v.with(i, node.v[j]!).with(j, node.v[i]!);
      return { k: 'arr', v: pick([node.v.toSpliced(i, 1), swapped, [...node.v, { k: 'null' }]]) };
    }
    case 'obj': {
      let fresh = 'k';
      while (node.v.some(([key]) => key === fresh)) fresh += 'k';
      const added: Array<[string, Model]> = [...node.v, [fresh, { k: 'null' }]];
      if (!node.v.length)
        return pick<Model>([
          { k: 'arr', v: [] },
          { k: 'obj', v: added },
        ]);
      return { k: 'obj', v: pick([node.v.toSpliced(at(node.v.length), 1), added]) };
    }
  }
}

const JSONISH = [...'{}[],:"\\01e-. unaé'];

/** A text with one code point deleted, inserted or replaced: often no longer JSON. */
function corrupt(text: string, seed: number): string {
  const { rand, pick } = chooser(seed);
  const cps = [...text];
  const i = Math.floor(rand() * (cps.length + 1));
  const op = pick([0, 1, 2]);
  return cps.toSpliced(i, op === 1 ? 0 : 1, ...(op === 0 ? [] : [pick(JSONISH)])).join('');
}

const fewValues = fc.constantFrom<Model>(
  { k: 'obj', v: [] },
  { k: 'arr', v: [] },
  { k: 'null' },
  { k: 'str', v: '' },
  { k: 'str', v: 'é😀' },
  num(false, 1n, 0),
  num(false, 12345678901234567890n, 0),
  {
    k: 'obj',
    v: [
      ['to', { k: 'str', v: 'a' }],
      ['n', { k: 'arr', v: [num(true, 15n, -1)] }],
    ],
  },
);
/** Pairs of texts, with the verdict when the model knows it. */
const anyPair = fc.oneof(
  fc
    .tuple(fewValues, fewValues, fc.integer(), fc.integer())
    .map(([x, y, s1, s2]) => ({ a: spell(x, s1), b: spell(y, s2), equal: modelEqual(x, y) })),
  fc.tuple(jsonModel, fc.integer(), fc.integer(), fc.integer()).map(([m, s1, s2, s3]) => ({
    a: spell(m, s1),
    b: corrupt(spell(m, s2), s3),
    equal: undefined,
  })),
  fc
    .tuple(
      fc.string({ unit: fc.constantFrom(...JSONISH), maxLength: 12 }),
      fc.string({ unit: fc.constantFrom(...JSONISH), maxLength: 12 }),
    )
    .map(([a, b]) => ({ a, b, equal: undefined })),
);

const RUNS = 500;

/** docs/guarantees.md, "Equality of two copies": the shared table and random texts through the Lua. */
describe('equality of two copies (Lua, as the divergence check runs it)', () => {
  const env = useRedis();

  async function lua(pairs: Pair[]) {
    const argv = pairs.flatMap(([a, b]) => [
      (a === undefined ? '' : 'a') + (b === undefined ? '' : 'b'),
      a ?? '',
      b ?? '',
    ]);
    const reply = (await env.redis.eval(WRAPPER, 0, ...argv)) as Array<number | string>;
    return pairs.map((_, i) => ({
      equal: reply[3 * i] === 1,
      canonical: [reply[3 * i + 1] as string, reply[3 * i + 2] as string],
    }));
  }

  /** Lua and TypeScript give the same verdict and the same canonical bytes for every pair. */
  async function bothLanguages(pairs: Pair[]): Promise<boolean[]> {
    const verdicts = await lua(pairs);
    return pairs.map(([a, b], i) => {
      const { equal, canonical } = verdicts[i]!;
      const label = JSON.stringify([a, b]).slice(0, 200);
      expect(sameFieldValue(a, b), label).toBe(equal);
      expect(canonical, label).toEqual([
        a === undefined ? '' : wtf8Hex(canonicalJson(a)),
        b === undefined ? '' : wtf8Hex(canonicalJson(b)),
      ]);
      return equal;
    });
  }

  it('gives every case of the shared table its expected verdict, both ways round', async () => {
    const pairs = table.cases.flatMap((c): Pair[] => {
      const a = c.a ?? undefined;
      const b = c.b ?? undefined;
      return [
        [a, b],
        [b, a],
      ];
    });
    const verdicts = await lua(pairs);
    const wrong = table.cases.filter(
      (c, i) => verdicts[2 * i]!.equal !== c.equal || verdicts[2 * i + 1]!.equal !== c.equal,
    );
    expect(wrong.map((c) => c.why)).toEqual([]);
    await bothLanguages(pairs);
  });

  it('has no nesting limit: 20,000 nested arrays and objects', async () => {
    const depth = 20_000;
    const arrays = '['.repeat(depth) + '1.0' + ']'.repeat(depth);
    const objects = (v: string, sep: string) => `{"k"${sep}`.repeat(depth) + v + '}'.repeat(depth);
    expect(
      await bothLanguages([
        [arrays, '[ '.repeat(depth) + '1e0' + ' ]'.repeat(depth)],
        [objects('[]', ': '), objects('[]', ':')],
        [objects('[]', ': '), objects('{}', ':')],
      ]),
    ).toEqual([true, true, false]);
  });

  it(`finds a value equal to itself however it is spelled (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(jsonModel, fc.integer(), fc.integer(), async (m, s1, s2) => {
        expect(await bothLanguages([[spell(m, s1), spell(m, s2)]])).toEqual([true]);
      }),
      { numRuns: RUNS },
    );
  });

  it(`finds any single change a difference (${RUNS} runs)`, async () => {
    const change = fc.tuple(jsonModel, fc.nat(), fc.integer(), fc.integer(), fc.integer());
    await fc.assert(
      fc.asyncProperty(change, async ([m, where, how, s1, s2]) => {
        const all = places(m);
        const place = all[where % all.length]!;
        const altered = alter(place.node, how);
        fc.pre(!modelEqual(place.node, altered)); // swapping two equal items changes nothing
        const changed = place.rebuild(altered);
        expect(await bothLanguages([[spell(m, s1), spell(changed, s2)]])).toEqual([false]);
      }),
      { numRuns: RUNS },
    );
  });

  it(`agrees with the TypeScript on arbitrary pairs, JSON or not (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(anyPair, async ({ a, b, equal }) => {
        const [verdict] = await bothLanguages([[a, b]]);
        if (equal !== undefined) expect(verdict).toBe(equal);
      }),
      { numRuns: RUNS },
    );
  });
});
