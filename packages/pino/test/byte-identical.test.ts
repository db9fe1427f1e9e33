import type pino from 'pino';
import { markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import type { LoggerOptions } from 'pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

type Logger = pino.Logger;

/** Every call shape pino supports, with content in each position. */
function exercise(log: Logger, c: string, err: Error): void {
  log.info(`plain ${c}`);
  log.info('fmt %s %d %o %O %j %%', c, 7, { text: c }, { prompt: c }, { input: [c] });
  log.info({ text: c, nested: { prompt: c, n: 1 }, buf: Buffer.from(c) }, 'with object %s', c);
  log.warn({ msg: c });
  log.error(err);
  log.error({ err, extra: c }, 'keyed');
  log.info(42);
  log.info(null);
  log.info(undefined, c);
  log.debug({ deep: { a: { b: { c: { d: { e: c } } } } } });
  const child = log.child({ req: { url: `/x?text=${c}` }, body: c });
  child.info({ more: c }, 'child %s', c);
  child.child({ second: c }, { msgPrefix: `[${c}] ` }).info('grandchild');
  child.setBindings({ replaced: c });
  child.info('after setBindings');
}

const userOptions = (): LoggerOptions => ({
  level: 'debug',
  timestamp: false,
  base: { service: 'tts' },
  serializers: { nested: (v: { n?: number }) => ({ n: v.n, serialized: true }) },
  formatters: { level: (label) => ({ severity: label }), log: (o) => ({ ...o, formatted: true }) },
  mixin: (_o, level) => ({ lvl: level }),
  redact: { paths: ['nested.prompt'], censor: '***' },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args);
    },
    streamWrite: (s) => s.replace('"formatted":true', '"formatted":"yes"'),
  },
});

describe.each(PINOS)('ordinary output is byte for byte plain pino (%s)', (_name, pino) => {
  for (const [label, options] of [
    ['default options', (): LoggerOptions => ({ timestamp: false, level: 'debug' })],
    ['user hooks, mixin, serializers, formatters and redact', userOptions],
    [
      'nestedKey and custom message and error keys',
      (): LoggerOptions => ({
        timestamp: false,
        nestedKey: 'payload',
        messageKey: 'message',
        errorKey: 'error',
      }),
    ],
  ] as const) {
    it(`writes the same bytes as plain pino in an ordinary scope and outside any scope (${label})`, () => {
      const c = canary('identical');
      const err = Object.assign(new Error(`failed ${c}`, { cause: new Error(`cause ${c}`) }), {
        body: c,
        code: 'E1',
      });
      const plain = capture();
      const zrm = capture();
      const plainLog = pino(options(), plain);
      const zrmLog = pino(withZeroRetention(options()), zrm);
      runWithScope({ zeroRetention: false }, () => exercise(plainLog, c, err));
      runWithScope({ zeroRetention: false }, () => exercise(zrmLog, c, err));
      exercise(plainLog, c, err);
      exercise(zrmLog, c, err);
      expect(zrm.chunks.length).toBeGreaterThan(20);
      expect(zrm.text()).toContain(c);
      expect(zrm.chunks).toEqual(plain.chunks);
    });

    it(`writes the same bytes as plain pino while ZRM requests are in flight (${label})`, () => {
      // their registered content is in no line here: every line must pass untouched
      const inFlight = createScope({ zeroRetention: true, policy: { taint: { graceMs: 0 } } });
      inFlight.run(() => markSensitive(`${canary('elsewhere')} a transcript no line here holds`));
      const c = canary('identical');
      const err = new Error(`failed ${c}`, { cause: new Error(`cause ${c}`) });
      const plain = capture();
      const zrm = capture();
      const plainLog = pino(options(), plain);
      const zrmLog = pino(withZeroRetention(options()), zrm);
      try {
        runWithScope({ zeroRetention: false }, () => exercise(plainLog, c, err));
        runWithScope({ zeroRetention: false }, () => exercise(zrmLog, c, err));
        exercise(plainLog, c, err);
        exercise(zrmLog, c, err);
      } finally {
        inFlight.end();
      }
      expect(zrm.text()).toContain(c);
      expect(zrm.chunks).toEqual(plain.chunks);
    });
  }
});
