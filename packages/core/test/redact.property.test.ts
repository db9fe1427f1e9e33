import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definePolicy, markSensitive, redact, runWithScope } from '@zrm/core';

const policy = definePolicy({ taint: { graceMs: 0 } });
const CANARY = 'ZRMCANARY-5e1b0d77-a4c2-4c1e-9d5f';

/** A plain description of a value; `build` turns it into the exotic thing it describes. */
type Spec =
  | {
      t: 'canary';
      how:
        | 'whole'
        | 'fragment'
        | 'buffer'
        | 'error'
        | 'cause'
        | 'getter'
        | 'toJSON'
        | 'symbol'
        | 'url';
    }
  | { t: 'plain'; v: string | number | boolean | null }
  | { t: 'object'; entries: [string, Spec][]; cycle: boolean; proxy: boolean }
  | { t: 'array'; items: Spec[] }
  | { t: 'map'; entries: [string, Spec][] }
  | { t: 'set'; items: Spec[] };

const key = fc.oneof(
  fc.constantFrom(
    'id',
    'note',
    'meta',
    'x',
    'level',
    'details',
    'text',
    'audio',
    'payload',
    'userPrompt',
    'items',
  ),
  fc.string({ maxLength: 8 }),
);

const spec: fc.Arbitrary<Spec> = fc.letrec<{ node: Spec }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      t: fc.constant('canary' as const),
      how: fc.constantFrom(
        'whole',
        'fragment',
        'buffer',
        'error',
        'cause',
        'getter',
        'toJSON',
        'symbol',
        'url',
      ),
    }),
    fc.record({
      t: fc.constant('plain' as const),
      v: fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.boolean(), fc.constant(null)),
    }),
    fc.record({
      t: fc.constant('object' as const),
      entries: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }),
      cycle: fc.boolean(),
      proxy: fc.boolean(),
    }),
    fc.record({ t: fc.constant('array' as const), items: fc.array(tie('node'), { maxLength: 4 }) }),
    fc.record({
      t: fc.constant('map' as const),
      entries: fc.array(fc.tuple(key, tie('node')), { maxLength: 3 }),
    }),
    fc.record({ t: fc.constant('set' as const), items: fc.array(tie('node'), { maxLength: 3 }) }),
  ),
})).node;

function build(s: Spec): unknown {
  switch (s.t) {
    case 'plain':
      return s.v;
    case 'canary':
      switch (s.how) {
        case 'whole':
          return CANARY;
        case 'fragment':
          return `said: ...${CANARY.slice(3, 25)}... end`;
        case 'buffer':
          return Buffer.from(CANARY);
        case 'error':
          return Object.assign(new Error(`bad input "${CANARY}"`), { body: CANARY, code: 'E1' });
        case 'cause':
          return new Error('outer', { cause: new RangeError(CANARY) });
        case 'getter':
          return Object.defineProperty({}, 'boom', {
            enumerable: true,
            get() {
              throw new Error(CANARY);
            },
          });
        case 'toJSON':
          return { toJSON: () => ({ said: CANARY }) };
        case 'symbol':
          return Symbol(CANARY);
        case 'url':
          return new URL(`http://svc.test/p?q=${encodeURIComponent(CANARY)}`);
      }
      break;
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const [k, v] of s.entries) o[k] = build(v);
      if (s.cycle) o.self = o;
      return s.proxy ? new Proxy(o, {}) : o;
    }
    case 'array':
      return s.items.map(build);
    case 'map':
      return new Map(s.entries.map(([k, v]) => [k, build(v)]));
    case 'set':
      return new Set(s.items.map(build));
  }
}

/** Everything a sink could print of a value: JSON with Maps, Sets, symbols and errors spelled out. */
function printable(value: unknown): string {
  const seen = new WeakSet<object>();
  const walk = (v: unknown): unknown => {
    if (typeof v === 'symbol') return v.toString();
    if (typeof v !== 'object' || v === null) return v;
    if (seen.has(v)) return '[seen]';
    seen.add(v);
    try {
      if (v instanceof Map) return [...v].map(([k, x]) => [walk(k), walk(x)]);
      if (v instanceof Set) return [...v].map(walk);
      if (v instanceof Error)
        return {
          message: v.message,
          stack: v.stack,
          cause: walk(v.cause),
          ...(walk({ ...v }) as object),
        };
      if (Array.isArray(v)) return v.map(walk);
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) {
        try {
          out[k] = walk((v as Record<string, unknown>)[k]);
        } catch (error) {
          out[k] = `[threw ${String(error)}]`;
        }
      }
      return out;
    } catch (error) {
      return `[threw ${String(error)}]`;
    }
  };
  return JSON.stringify(walk(value)) ?? String(value);
}

const leaks = (text: string): boolean => {
  for (let i = 0; i + 16 <= CANARY.length; i++)
    if (text.includes(CANARY.slice(i, i + 16))) return true;
  return text.includes(Buffer.from(CANARY).toString('base64').slice(0, 16));
};

describe('redact (property-based)', () => {
  it('leaves no canary in the serialized output of any value in ZRM, never throws, never mutates', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const input = build(s);
        const before = printable(input);
        const out = runWithScope({ zeroRetention: true, policy }, () => {
          markSensitive(CANARY);
          return redact(input);
        });
        expect(leaks(printable(out))).toBe(false);
        expect(printable(input)).toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it('returns every value unchanged in an ordinary scope', () => {
    fc.assert(
      fc.property(spec, (s) => {
        const input = build(s);
        const out = runWithScope({ zeroRetention: false, policy }, () => {
          markSensitive(CANARY);
          return redact(input);
        });
        expect(out).toBe(input);
      }),
      { numRuns: 200 },
    );
  });
});
