import { describe, expect, it, vi } from 'vitest';
import {
  REDACTED,
  currentScope,
  definePolicy,
  markSensitive,
  redact,
  runWithScope,
  scrubUrl,
} from '@zrm/core';
import { CIRCULAR, DEPTH_LIMIT, UNREADABLE } from '@zrm/core/adapter';

const CANARY = 'CANARY-7f3a9c-the patient said her card is 4111111111111111';
const zrm = <T>(fn: () => T, policy = definePolicy({ taint: { graceMs: 0 } })): T =>
  runWithScope({ zeroRetention: true, policy }, fn);
const serialized = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v instanceof Map ? [...v] : v instanceof Set ? [...v] : v,
  ) ?? '';

describe('redact in ZRM', () => {
  it('replaces values under sensitive keys at any depth and in arrays', () => {
    const input = {
      requestId: 'abc',
      text: CANARY,
      nested: {
        deeper: [{ prompt: CANARY, tokens: 12 }],
        userPrompt: CANARY,
        previous_text: CANARY,
      },
      'gen_ai.input.messages': [{ role: 'user', content: CANARY }],
      text_length: 42,
    };
    const out = zrm(() => redact(input)) as Record<string, unknown>;
    expect(serialized(out)).not.toContain('CANARY');
    expect(out).toMatchObject({ requestId: 'abc', text: REDACTED, text_length: 42 });
    expect((out.nested as { deeper: { tokens: number }[] }).deeper[0]!.tokens).toBe(12);
  });

  it('never mutates its input', () => {
    const input = { text: CANARY, list: [CANARY], err: new Error(CANARY) };
    const before = structuredClone({ text: input.text, list: input.list });
    zrm(() => redact(input));
    expect({ text: input.text, list: input.list }).toEqual(before);
    expect(input.err.message).toBe(CANARY);
  });

  it('turns binary values into [binary N bytes]', () => {
    const out = zrm(() =>
      redact({
        a: Buffer.from(CANARY),
        b: new Uint16Array(4),
        c: new ArrayBuffer(7),
        d: new DataView(new ArrayBuffer(3)),
        e: new Blob([CANARY]),
        list: [Buffer.alloc(2)],
      }),
    );
    expect(out).toEqual({
      a: `[binary ${Buffer.byteLength(CANARY)} bytes]`,
      b: '[binary 8 bytes]',
      c: '[binary 7 bytes]',
      d: '[binary 3 bytes]',
      e: `[binary ${Buffer.byteLength(CANARY)} bytes]`,
      list: ['[binary 2 bytes]'],
    });
  });

  it('scrubs registered content from strings under any key', () => {
    const out = zrm(() => {
      markSensitive(CANARY);
      return redact({ note: `user wrote: ${CANARY}`, list: [`x${CANARY}y`] });
    });
    expect(out).toEqual({ note: `user wrote: ${REDACTED}`, list: [`x${REDACTED}y`] });
  });

  it('keeps the class and code of errors but scrubs message, stack, cause, errors and fields', () => {
    const cause = new TypeError(`inner ${CANARY}`);
    const err = Object.assign(new SyntaxError(`Unexpected token in "${CANARY}"`, { cause }), {
      code: 'E_PARSE',
      statusCode: 400,
      body: CANARY,
      raw: CANARY,
      detail: { where: CANARY },
    });
    const agg = new AggregateError([new Error(CANARY)], CANARY);
    const out = zrm(() => redact({ err, agg })) as Record<string, Record<string, unknown>>;
    const text = serialized(out);
    expect(text).not.toContain('CANARY');
    expect(out.err).toMatchObject({
      type: 'SyntaxError',
      message: REDACTED,
      code: 'E_PARSE',
      statusCode: 400,
    });
    expect(out.err!.stack).toMatch(/^SyntaxError: \[REDACTED\]\n\s+at /);
    expect(out.err!.cause).toMatchObject({ type: 'TypeError', message: REDACTED });
    expect(out.agg).toMatchObject({ type: 'AggregateError', message: REDACTED });
    expect((out.agg!.errors as unknown[]).length).toBe(1);
  });

  it('handles Maps, Sets, Dates, URLs, class instances, toJSON and symbols without leaking', () => {
    class Thing {
      text = CANARY;
      size = 3;
    }
    const withToJSON = { toJSON: () => ({ transcript: CANARY, ok: true }) };
    const out = zrm(() =>
      redact({
        map: new Map<unknown, unknown>([
          ['text', CANARY],
          ['k', 1],
        ]),
        set: new Set([Buffer.from(CANARY)]),
        when: new Date(0),
        link: new URL(`https://example.test/a?text=${encodeURIComponent(CANARY)}&model_id=m1`),
        thing: new Thing(),
        withToJSON,
        sym: Symbol(CANARY),
        re: new RegExp(CANARY.slice(0, 10)),
      }),
    ) as Record<string, unknown>;
    expect(serialized(out)).not.toContain('CANARY');
    expect(String((out.sym as string) ?? '')).not.toContain('CANARY');
    expect(out.when).toEqual(new Date(0));
    expect(out.link).toBe('https://example.test/a?text=[REDACTED]&model_id=m1');
    expect(out.thing).toEqual({ text: REDACTED, size: 3 });
    expect(out.withToJSON).toEqual({ transcript: REDACTED, ok: true });
  });

  it('fails closed on throwing getters, revoked proxies and throwing toJSON', () => {
    const getter = {
      get broken(): string {
        throw new Error(CANARY);
      },
      fine: 1,
    };
    const { proxy, revoke } = Proxy.revocable({ text: CANARY }, {});
    revoke();
    const trap = new Proxy(
      { a: CANARY },
      {
        ownKeys: () => {
          throw new Error(CANARY);
        },
      },
    );
    const badJSON = {
      toJSON: () => {
        throw new Error(CANARY);
      },
    };
    const out = zrm(() => redact({ getter, proxy, trap, badJSON })) as Record<string, unknown>;
    expect(serialized(out)).not.toContain('CANARY');
    expect(out).toEqual({
      getter: { broken: UNREADABLE, fine: 1 },
      proxy: UNREADABLE,
      trap: UNREADABLE,
      badJSON: UNREADABLE,
    });
  });

  it('replaces cycles with [Circular] and caps depth and width', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    let deep: Record<string, unknown> = { leaf: CANARY };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    const wide = Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`k${i}`, i]));
    const long = Array.from({ length: 1_500 }, (_, i) => i);
    const out = zrm(() => redact({ a, deep, wide, long })) as Record<
      string,
      Record<string, unknown>
    >;
    expect(out.a!.self).toBe(CIRCULAR);
    expect(serialized(out.deep)).toContain(DEPTH_LIMIT);
    expect(serialized(out.deep)).not.toContain('CANARY');
    expect(Object.keys(out.wide!)).toHaveLength(1_001);
    expect(out.wide!['[truncated]']).toBe('1000 more keys');
    expect((out.long as unknown as unknown[]).at(-1)).toBe('[500 more items]');
  });

  it('keeps a shared (non-cyclic) reference in both places', () => {
    const shared = { id: 7 };
    expect(zrm(() => redact({ x: shared, y: shared }))).toEqual({ x: { id: 7 }, y: { id: 7 } });
  });

  it('in strict mode keeps only allow-listed keys', () => {
    const policy = definePolicy({
      strict: { allowKeys: ['requestId', 'status'] },
      taint: { graceMs: 0 },
    });
    const out = zrm(
      () =>
        redact({
          requestId: 'r',
          status: 200,
          card: 4111111111111111,
          nested: { requestId: 'n', memo: 'hi' },
        }),
      policy,
    );
    expect(out).toEqual({
      requestId: 'r',
      status: 200,
      card: REDACTED,
      nested: { requestId: 'n', memo: REDACTED },
    });
  });

  it('counts redactions on the scope and reports them content-free to onRedaction', () => {
    const onRedaction = vi.fn();
    const policy = definePolicy({ onRedaction, taint: { graceMs: 0 } });
    const counters = zrm(() => {
      redact({ text: CANARY, audio: Buffer.alloc(1) });
      return currentScope()!.counters;
    }, policy);
    expect(counters.redactedFields).toBe(2);
    expect(onRedaction).toHaveBeenCalledWith({ kind: 'redacted', count: 2, requestId: undefined });
    expect(serialized(onRedaction.mock.calls)).not.toContain('CANARY');
  });

  it('redacts when asked explicitly, whatever the scope', () => {
    expect(redact({ text: CANARY }, { zeroRetention: true })).toEqual({ text: REDACTED });
  });
});

describe('redact outside ZRM', () => {
  it('returns the same reference in an ordinary scope', () => {
    const input = { text: CANARY, buf: Buffer.from('x') };
    runWithScope({ zeroRetention: false }, () => expect(redact(input)).toBe(input));
    expect(redact(input, { zeroRetention: false })).toBe(input);
  });

  it('returns the same reference outside any scope when nothing is registered', () => {
    const input = { text: CANARY };
    expect(redact(input)).toBe(input);
  });
});

describe('scrubUrl', () => {
  it('redacts every query value but the safe ones in ZRM', () => {
    const url = `/v1/text-to-speech/v1?text=${encodeURIComponent(CANARY)}&enable_logging=false&model_id=m&q#frag`;
    expect(zrm(() => scrubUrl(url))).toBe(
      '/v1/text-to-speech/v1?text=[REDACTED]&enable_logging=false&model_id=m&q',
    );
  });

  it('redacts tainted path segments in ZRM', () => {
    const out = zrm(() => {
      markSensitive(CANARY);
      return scrubUrl(`/v1/items/${encodeURIComponent(CANARY)}/x`);
    });
    expect(out).toBe(`/v1/items/${REDACTED}/x`);
  });

  it('returns URLs of ordinary requests unchanged', () => {
    const url = `/a?text=${CANARY}`;
    runWithScope({ zeroRetention: false }, () => expect(scrubUrl(url)).toBe(url));
    expect(scrubUrl(url)).toBe(url);
  });
});
