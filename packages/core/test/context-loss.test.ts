import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  ZrmError,
  definePolicy,
  isZrmError,
  markSensitive,
  redact,
  runWithScope,
  setDefaultPolicy,
} from '@zrm/core';
import { createScope } from '@zrm/core/adapter';

const SECRET = 'CANARY-ctx-loss-0a9b8c7d6e5f-transcript of a call';

/** Registers SECRET in an in-flight ZRM scope, runs `fn` outside any scope, then ends the scope. */
function whileInFlight<T>(fn: () => T): T {
  const scope = createScope({
    zeroRetention: true,
    policy: definePolicy({ taint: { graceMs: 0 } }),
  });
  scope.run(() => markSensitive(SECRET, new Uint8Array(Buffer.from(SECRET)).buffer));
  try {
    return fn();
  } finally {
    scope.end();
  }
}

describe('redact outside any scope while a ZRM request is in flight', () => {
  it('scrubs registered content from an error message, stack, cause and fields, keeping the rest', () => {
    const err = Object.assign(new RangeError(`failed on ${SECRET}`, { cause: new Error(SECRET) }), {
      code: 'E42',
    });
    const out = whileInFlight(() => redact({ err })) as { err: Record<string, unknown> };
    expect(JSON.stringify(out)).not.toContain('CANARY');
    expect(out.err).toMatchObject({
      type: 'RangeError',
      message: `failed on ${REDACTED}`,
      code: 'E42',
    });
    expect(err.message).toContain(SECRET);
  });

  it('returns a clean error as the same reference', () => {
    const err = new Error('nothing here');
    expect(whileInFlight(() => redact(err))).toBe(err);
  });

  it('copies Maps and Sets only when they carry registered content', () => {
    const clean = new Map([['a', 'b']]);
    const dirty = new Map([['a', `x ${SECRET}`]]);
    const set = new Set([SECRET]);
    const [c, d, s] = whileInFlight(() => [redact(clean), redact(dirty), redact(set)]);
    expect(c).toBe(clean);
    expect([...(d as Map<string, string>).values()]).toEqual([`x ${REDACTED}`]);
    expect([...(s as Set<string>)]).toEqual([REDACTED]);
  });

  it('leaves structure, binary values and symbols of a clean record as they are', () => {
    const input = {
      buf: Buffer.from('ok'),
      sym: Symbol('s'),
      date: new Date(0),
      nested: { list: [1, 'two'] },
    };
    expect(whileInFlight(() => redact(input))).toBe(input);
  });

  it('scrubs only the strings that carry content and keeps other values', () => {
    const out = whileInFlight(() =>
      redact({ a: 'fine', b: SECRET, c: 3, d: [SECRET, 'ok'], e: new URL(`http://h/${SECRET}`) }),
    );
    expect(out).toEqual({
      a: 'fine',
      b: REDACTED,
      c: 3,
      d: [REDACTED, 'ok'],
      e: `http://h/${REDACTED}`,
    });
  });

  it('uses the default policy outside any scope', () => {
    const policy = definePolicy({ maxDepth: 2 });
    setDefaultPolicy(policy);
    try {
      const deep = { a: { b: { c: { d: SECRET } } } };
      const out = whileInFlight(() => redact(deep));
      expect(out).toBe(deep);
      runWithScope({ zeroRetention: true }, () =>
        expect(redact(deep)).toEqual({ a: { b: '[depth limit]' } }),
      );
    } finally {
      setDefaultPolicy(definePolicy());
    }
  });
});

describe('redact in ZRM, remaining value kinds', () => {
  it('turns symbols into placeholders and keeps functions out of the output', () => {
    const fn = () => 1;
    const out = runWithScope({ zeroRetention: true }, () =>
      redact({ s: Symbol(SECRET), fn, n: null, u: undefined }),
    );
    expect(out).toEqual({ s: REDACTED, fn, n: null, u: undefined });
  });

  it('keeps null under a sensitive key and redacts keys of Maps that carry content', () => {
    const out = runWithScope({ zeroRetention: true }, () => {
      markSensitive(SECRET);
      return redact({ text: null, m: new Map([[SECRET, 1]]) });
    }) as { text: null; m: Map<string, number> };
    expect(out.text).toBeNull();
    expect([...out.m.keys()]).toEqual([REDACTED]);
  });
});

describe('ZrmError', () => {
  it('is recognised across copies by name', () => {
    expect(isZrmError(new ZrmError('invalid_request', 'bad'))).toBe(true);
    expect(isZrmError(Object.assign(new Error('x'), { name: 'ZrmError' }))).toBe(true);
    expect(isZrmError(new Error('x'))).toBe(false);
    expect(new ZrmError('invalid_request', 'bad', { status: 422 }).status).toBe(422);
  });
});
