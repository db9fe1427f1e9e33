import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  REDACTED,
  definePolicy,
  markSensitive,
  redact,
  runWithScope,
  type RedactionEvent,
} from '@zrm/core';
import { CIRCULAR, DEPTH_LIMIT, UNREADABLE, createScope } from '@zrm/core/adapter';
import {
  ProviderError,
  hasSuppressedError,
  rejectedAny,
  suppressedError,
} from '../../../test/support/errors.js';

const quick = definePolicy({ taint: { graceMs: 0 } });
const canary = (label: string): string => `CANARY-${label}-${randomBytes(8).toString('hex')}`;
const zrm = <T>(fn: () => T): T => runWithScope({ zeroRetention: true, policy: quick }, fn);

/** Everything a sink could print of a value, hidden properties (a native `cause`, `errors`) included. */
const everything = (value: unknown): string =>
  inspect(value, {
    depth: Infinity,
    showHidden: true,
    maxArrayLength: Infinity,
    maxStringLength: Infinity,
    breakLength: Infinity,
  });

const found = (value: unknown, canaries: readonly string[]): string[] =>
  canaries.filter((c) => everything(value).includes(c));

type Redacted = Error & Record<string, unknown>;

describe('redact of errors in ZRM', () => {
  it('replaces a string cause canary, keeping the class SyntaxError (name, constructor, type)', () => {
    const completion = canary('completion');
    const err = new SyntaxError(`Unexpected token in ${canary('message')}`, { cause: completion });
    const out = zrm(() => redact(err)) as Redacted;
    expect(found(out, [completion])).toEqual([]);
    expect(out.cause).toBe(REDACTED);
    expect(out).toBeInstanceOf(Error);
    expect(out.constructor.name).toBe('SyntaxError');
    expect(out.name).toBe('SyntaxError');
    expect(out.type).toBe('SyntaxError');
    expect(out.message).toBe(REDACTED);
    expect(out.stack).toMatch(/^SyntaxError: \[REDACTED\]\n\s+at /);
  });

  it('shows the string cause canary in the unredacted error (the probe sees hidden causes)', () => {
    const completion = canary('completion');
    const err = new SyntaxError('bad', { cause: completion });
    expect(found(err, [completion])).toEqual([completion]);
    runWithScope({ zeroRetention: false }, () => expect(redact(err)).toBe(err));
  });

  it('keeps a number or boolean cause: it is not content', () => {
    const [n, b] = zrm(() => [
      redact(new Error('a', { cause: 503 })),
      redact(new Error('b', { cause: false })),
    ]) as Redacted[];
    expect(n!.cause).toBe(503);
    expect(b!.cause).toBe(false);
  });

  it('drops every string of a plain-object cause (a provider error body), keeping numbers', () => {
    const c = { message: canary('body-message'), detail: canary('detail'), hint: canary('hint') };
    const body = { message: c.message, detail: c.detail, status: 400, extra: { hint: c.hint } };
    const out = zrm(() => redact(new Error('provider failed', { cause: body }))) as Redacted;
    expect(found(out, Object.values(c))).toEqual([]);
    expect(out.cause).toEqual({
      message: REDACTED,
      detail: REDACTED,
      status: 400,
      extra: { hint: REDACTED },
    });
  });

  it('drops strings of an array cause, keeps its numbers and redacts its errors as errors', () => {
    const [a, b] = [canary('item'), canary('item-error')];
    const out = zrm(() => redact(new Error('x', { cause: [a, 7, new TypeError(b)] }))) as Redacted;
    expect(found(out, [a, b])).toEqual([]);
    const [first, second, third] = out.cause as unknown[];
    expect([first, second]).toEqual([REDACTED, 7]);
    expect(third).toMatchObject({ type: 'TypeError', message: REDACTED });
  });

  it('redacts a cause chain three errors deep, each keeping its class', () => {
    const c = ['outer', 'middle', 'inner', 'leaf'].map(canary);
    const err = new ProviderError(c[0]!, c[0]!, {
      cause: new TypeError(c[1], { cause: new RangeError(c[2], { cause: c[3] }) }),
    });
    const out = zrm(() => redact(err)) as Redacted;
    expect(found(out, c)).toEqual([]);
    const middle = out.cause as Redacted;
    const inner = middle.cause as Redacted;
    expect([out.constructor.name, middle.constructor.name, inner.constructor.name]).toEqual([
      'ProviderError',
      'TypeError',
      'RangeError',
    ]);
    expect(inner.cause).toBe(REDACTED);
    expect(out).toMatchObject({ status: 502, code: 'upstream_failed', detail: REDACTED });
  });

  it('stops at a cycle: an error that is its own cause, and two errors causing each other', () => {
    const c = [canary('self'), canary('a'), canary('b')];
    const self = new Error(c[0]);
    self.cause = self;
    const a = new Error(c[1]);
    const b = new Error(c[2], { cause: a });
    a.cause = b;
    const [outSelf, outA] = zrm(() => [redact(self), redact(a)]) as Redacted[];
    expect(found([outSelf, outA], c)).toEqual([]);
    expect(outSelf!.cause).toBe(CIRCULAR);
    expect((outA!.cause as Redacted).cause).toBe(CIRCULAR);
  });

  it('stops a cause chain deeper than maxDepth at the depth limit, without content', () => {
    const c = canary('deep');
    let err = new Error(c, { cause: c });
    for (let i = 0; i < 40; i++) err = new Error(c, { cause: err });
    const out = zrm(() => redact(err));
    expect(found(out, [c])).toEqual([]);
    expect(everything(out)).toContain(DEPTH_LIMIT);
  });

  it('drops every string reason of an AggregateError from Promise.any, keeping the class', async () => {
    const reasons = [canary('reason-a'), canary('reason-b')];
    const agg = await rejectedAny(reasons);
    expect(found(agg, reasons)).toEqual(reasons);
    const out = zrm(() => redact(agg)) as Redacted;
    expect(found(out, reasons)).toEqual([]);
    expect(out.constructor.name).toBe('AggregateError');
    expect(out.errors).toEqual([REDACTED, REDACTED]);
  });

  it('drops the error and the suppressed value of a SuppressedError', () => {
    const c = [canary('disposal'), canary('suppressed')];
    const err = suppressedError(new Error(c[0]), c[1], 'disposal failed');
    expect(found(err, c)).toEqual(c);
    const out = zrm(() => redact(err)) as Redacted;
    expect(found(out, c)).toEqual([]);
    expect(out.type).toBe(hasSuppressedError ? 'SuppressedError' : 'Error');
    expect(out.error).toMatchObject({ type: 'Error', message: REDACTED });
    expect(out.suppressed).toBe(REDACTED);
  });

  it('drops the error and suppressed fields of a SuppressedError built as TypeScript builds one', () => {
    const c = [canary('ts-error'), canary('ts-suppressed')];
    // tslib's fallback: an Error named SuppressedError with enumerable fields
    const err = Object.assign(new Error('An error was suppressed during disposal.'), {
      name: 'SuppressedError',
      error: new Error(c[0]),
      suppressed: c[1],
    });
    const out = zrm(() => redact(err)) as Redacted;
    expect(found(out, c)).toEqual([]);
    expect(out).toMatchObject({ name: 'SuppressedError', suppressed: REDACTED });
  });

  it('hides a redacted cause and errors where the error hid them, so serializers see the same keys', async () => {
    const native = new Error('x', { cause: canary('hidden') });
    const assigned = Object.assign(new Error('y'), { cause: canary('listed') });
    const agg = await rejectedAny([canary('r')]);
    const out = zrm(() => [redact(native), redact(assigned), redact(agg)]) as Redacted[];
    expect(Object.keys(out[0]!)).toEqual(['type', 'message', 'stack']);
    expect(Object.keys(out[1]!)).toEqual(['type', 'message', 'stack', 'cause']);
    expect(Object.keys(out[2]!)).toEqual(['type', 'message', 'stack']);
    expect(out[1]!.cause).toBe(REDACTED);
  });

  it('cuts a message of several lines off the stack whole, so no line of it passes for a frame', () => {
    const c = canary('frame-like');
    const err = new Error(`transcript:\n    at the station ${c} said`);
    const out = zrm(() => redact(err)) as Redacted;
    expect(found(out, [c])).toEqual([]);
    expect(out.stack).toMatch(/^Error: \[REDACTED\]\n\s+at /);
  });

  it('never hands on a function cause (a serializer would call it) and fails closed on a throwing one', () => {
    const c = canary('getter');
    const called = Object.assign(new Error('v'), { cause: () => new Error(c) });
    const throwing = new Error('t');
    Object.defineProperty(throwing, 'cause', {
      get() {
        throw new Error(c);
      },
    });
    const [a, b] = zrm(() => [redact(called), redact(throwing)]) as Redacted[];
    expect('cause' in a!).toBe(false);
    expect([REDACTED, UNREADABLE]).toContain(b!.cause);
    expect(found([a, b], [c])).toEqual([]);
  });

  it("keeps a serialized stack's frames and the classes of its caused-by lines, nothing else", () => {
    const c = canary('serialized');
    const stack = [
      `TypeError: ${c}`,
      '    at handler (app.js:1:1)',
      'caused by: RangeError: [REDACTED]',
      '    at inner (app.js:2:2)',
      `caused by: ${c}`,
      'caused by: ',
    ].join('\n');
    const out = zrm(() => redact({ failure: { stack } })) as { failure: { stack: string } };
    expect(out.failure.stack).toBe(
      [
        'TypeError: [REDACTED]',
        '    at handler (app.js:1:1)',
        'caused by: RangeError: [REDACTED]',
        '    at inner (app.js:2:2)',
        'caused by: Error: [REDACTED]',
        'caused by: ',
      ].join('\n'),
    );
  });

  it('names a redacted error Error when neither its class nor its name is an identifier', () => {
    class Odd extends Error {}
    Object.defineProperty(Odd, 'name', { value: 'an odd <name>' });
    const c = canary('name');
    const err = Object.assign(new Odd('x'), { name: 'not <one> either' });
    const guarded = new Proxy(new Error('y'), {
      get(target, key, receiver) {
        if (key === 'constructor') throw new Error(c);
        return Reflect.get(target, key, receiver) as unknown;
      },
    });
    const [odd, proxied] = zrm(() => [redact(err), redact(guarded)]) as Redacted[];
    expect([odd!.constructor.name, odd!.type]).toEqual(['Error', 'Error']);
    expect(proxied!.type).toBe('Error');
    expect(found(proxied, [c])).toEqual([]);
  });

  it('redacts a redacted error again to the same shape', () => {
    const err = new ProviderError(canary('m'), canary('d'), { cause: canary('c') });
    const once = zrm(() => redact(err)) as Redacted;
    const twice = zrm(() => redact(once)) as Redacted;
    expect(everything(twice)).toBe(everything(once));
  });
});

describe('redact of errors outside ZRM while a ZRM request is in flight', () => {
  /** A ZRM request still in flight that registered `text`, the content some other context writes. */
  function inFlight(text: string) {
    const scope = createScope({ zeroRetention: true, requestId: 'zrm-1', policy: quick });
    scope.run(() => markSensitive(text));
    return scope;
  }

  const contexts: readonly (readonly [string, <T>(fn: () => T) => T])[] = [
    ['an ordinary scope', (fn) => runWithScope({ zeroRetention: false }, fn)],
    [
      'an ended scope',
      (fn) => {
        const ended = createScope({ zeroRetention: false });
        ended.end();
        return ended.run(fn);
      },
    ],
    ['no scope', (fn) => fn()],
  ];

  it.each(contexts)(
    'scrubs in-flight content from causes, reasons and suppressed values in %s, keeping the rest',
    async (_name, inContext) => {
      const text = canary('in-flight');
      const zrmScope = inFlight(text);
      const agg = await rejectedAny([`reason ${text}`, 'an ordinary reason']);
      const errors = [
        new SyntaxError('bad json', { cause: `completion ${text}` }),
        new Error('provider', { cause: { detail: text, status: 500, note: 'kept' } }),
        new Error('chain', { cause: new TypeError('mid', { cause: new RangeError(text) }) }),
        agg,
        suppressedError(new Error(text), text, 'disposal'),
      ];
      const out = inContext(() => errors.map((e) => redact(e))) as Redacted[];
      zrmScope.end();
      expect(found(out, [text])).toEqual([]);
      out.forEach((e, i) => expect(e).not.toBe(errors[i]));
      expect(out[0]).toMatchObject({ type: 'SyntaxError', message: 'bad json' });
      expect(out[0]!.constructor.name).toBe('SyntaxError');
      expect(out[0]!.cause).toBe(`completion ${REDACTED}`);
      expect(out[1]!.cause).toEqual({ detail: REDACTED, status: 500, note: 'kept' });
      expect(out[3]!.constructor.name).toBe('AggregateError');
      expect(out[3]!.errors).toEqual([`reason ${REDACTED}`, 'an ordinary reason']);
      expect(Object.keys(out[0]!)).not.toContain('cause');
    },
  );

  it('counts what it removed from an error in an ordinary scope as cross-context', () => {
    const text = canary('counted');
    const zrmScope = inFlight(text);
    const events: RedactionEvent[] = [];
    const policy = definePolicy({ onRedaction: (event) => events.push(event) });
    runWithScope({ zeroRetention: false, requestId: 'ord-1', policy }, () =>
      redact(new Error('x', { cause: text }), { sink: 'errors' }),
    );
    zrmScope.end();
    expect(events).toEqual([
      { kind: 'cross-context', count: 1, sink: 'errors', requestId: 'ord-1' },
    ]);
  });

  it('returns an ordinary error with causes and reasons as the same reference when none of it is registered', async () => {
    const zrmScope = inFlight(canary('other'));
    const c = [canary('cause'), canary('reason')];
    const errors = [
      new Error('ordinary', { cause: { detail: c[0] } }),
      await rejectedAny([c[1]!]),
      new Error('chain', { cause: new TypeError(c[0]) }),
    ];
    const out = runWithScope({ zeroRetention: false }, () => errors.map((e) => redact(e)));
    zrmScope.end();
    out.forEach((e, i) => expect(e).toBe(errors[i]));
    expect(found(out, c)).toEqual(c);
  });
});
