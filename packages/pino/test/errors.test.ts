import { runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

class ParseError extends SyntaxError {
  code = 'E_PARSE';
  body: string;
  constructor(message: string, body: string, options?: ErrorOptions) {
    super(message, options);
    this.body = body;
  }
}

describe.each(PINOS)('errors (%s)', (_name, pino) => {
  it('drops canaries from err message, stack, body and cause chain in ZRM, keeping class and code', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const message = canary('message');
    const body = canary('body');
    const cause = canary('cause');
    const rootCause = canary('root');
    const err = new ParseError(`Unexpected token in ${message}`, `{"text":"${body}"}`, {
      cause: new Error(`bad ${cause}`, { cause: new TypeError(rootCause) }),
    });
    runWithScope({ zeroRetention: true }, () => {
      log.error(err);
      log.error({ err }, 'parse failed');
      log.error({ wrapped: { inner: err } }, 'nested');
    });
    const text = out.text();
    for (const c of [message, body, cause, rootCause]) expect(text).not.toContain(c);
    const [bare, keyed, nested] = out.records();
    expect(bare).toMatchObject({
      zrm: true,
      err: { type: 'ParseError', code: 'E_PARSE', message: '[REDACTED]' },
    });
    expect(keyed).toMatchObject({
      msg: '[REDACTED]', // a bare message is replaced in ZRM
      err: { type: 'ParseError', code: 'E_PARSE', body: '[REDACTED]' },
    });
    expect(String((keyed?.err as { stack: string }).stack)).toContain('    at ');
    expect(nested).toMatchObject({
      wrapped: { inner: { type: 'ParseError', message: '[REDACTED]' } },
      zrm: true,
    });
  });

  it('drops canaries from every error of an AggregateError in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const a = canary('a');
    const b = canary('b');
    runWithScope({ zeroRetention: true }, () =>
      log.error(new AggregateError([new Error(a), new Error(b)], 'many')),
    );
    expect(out.text()).not.toContain(a);
    expect(out.text()).not.toContain(b);
    expect(out.records()[0]).toMatchObject({ zrm: true, err: { type: 'AggregateError' } });
  });

  it('runs a custom err serializer on the redacted error in ZRM, so its output carries no content', () => {
    const out = capture();
    const log = pino(
      withZeroRetention({
        serializers: {
          err: (e: Error & { body?: unknown }) => ({ kind: e.name, copy: e.message, body: e.body }),
        },
      }),
      out,
    );
    const message = canary('message');
    const body = canary('body');
    runWithScope({ zeroRetention: true }, () =>
      log.error(Object.assign(new Error(message), { body })),
    );
    expect(out.text()).not.toContain(message);
    expect(out.text()).not.toContain(body);
    expect(out.records()[0]).toMatchObject({ zrm: true, err: { copy: '[REDACTED]' } });
  });

  it('drops the message from the stack header of a serialized (plain object) error in ZRM, at any depth', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const c = canary('serialized');
    const serialized = {
      type: 'TypeError',
      message: c,
      stack: `TypeError: ${c}\n    at handler (app.js:1:1)`,
    };
    runWithScope({ zeroRetention: true }, () => {
      log.error({ err: serialized }, 'from a worker');
      log.error({ job: { failure: serialized } }, 'nested');
    });
    expect(out.text()).not.toContain(c);
    const [keyed, nested] = out.records();
    expect(keyed).toMatchObject({
      err: { stack: 'TypeError: [REDACTED]\n    at handler (app.js:1:1)' },
    });
    expect(nested).toMatchObject({
      job: { failure: { stack: 'TypeError: [REDACTED]\n    at handler (app.js:1:1)' } },
    });
  });

  it('honours a custom errorKey and messageKey in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention({ errorKey: 'error', messageKey: 'message' }), out);
    const c = canary('custom-keys');
    runWithScope({ zeroRetention: true }, () => log.error(new Error(c)));
    expect(out.text()).not.toContain(c);
    expect(out.records()[0]).toMatchObject({
      error: { type: 'Error', message: '[REDACTED]' },
      message: '[REDACTED]',
      zrm: true,
    });
  });

  it('keeps the error message, body and cause of an ordinary request complete', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const message = canary('message');
    const cause = canary('cause');
    runWithScope({ zeroRetention: false }, () =>
      log.error(new ParseError(message, 'raw', { cause: new Error(cause) })),
    );
    expect(out.text()).toContain(message);
    expect(out.text()).toContain(cause);
    expect(out.records()[0]).toMatchObject({ err: { type: 'ParseError', body: 'raw' } });
  });
});
