import type pino from 'pino';
import { definePolicy, markSensitive, type RedactionEvent } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

type Logger = pino.Logger;

describe.each(PINOS)('faults and bad input in ZRM (%s)', (_name, pino) => {
  function inZrm(fn: () => void): { dropped: number; events: RedactionEvent[] } {
    const events: RedactionEvent[] = [];
    const scope = createScope({
      zeroRetention: true,
      policy: definePolicy({ onRedaction: (e) => events.push(e) }),
    });
    scope.run(fn);
    scope.end();
    return { dropped: scope.counters.droppedRecords, events };
  }

  it('writes a line with a placeholder when a serializer throws, and never throws into the caller', () => {
    const out = capture();
    const c = canary('serializer');
    const log: Logger = pino(
      withZeroRetention({
        serializers: {
          payload: () => {
            throw new Error(c);
          },
        },
      }),
      out,
    );
    inZrm(() =>
      expect(() => log.info({ payload: { text: c }, ok: 1 }, 'with payload')).not.toThrow(),
    );
    expect(out.text()).not.toContain(c);
    expect(out.records()[0]).toMatchObject({ payload: '[unreadable]', ok: 1, zrm: true });
  });

  it('writes circular, deep, 1 MB and unreadable values content-free, dropping and counting an unreadable merging object', () => {
    const out = capture();
    const log: Logger = pino(withZeroRetention(), out);
    const c = canary('fault');
    const circular: Record<string, unknown> = { text: c };
    circular.self = circular;
    let deep: Record<string, unknown> = { prompt: c };
    for (let i = 0; i < 200; i++) deep = { next: deep, note: c };
    const huge = `${c}${'x'.repeat(1024 * 1024)}`;
    const getter = Object.defineProperty({}, 'value', {
      enumerable: true,
      get() {
        throw new Error(c);
      },
    });
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error(c);
        },
      },
    );
    const { dropped } = inZrm(() => {
      markSensitive(c);
      expect(() => {
        log.info({ circular });
        log.info({ deep });
        log.info({ huge }, huge);
        log.info({ getter, proxy });
        log.info(proxy, 'proxy as merging object');
      }).not.toThrow();
    });
    expect(out.text()).not.toContain(c);
    const records = out.records();
    // a merging object whose keys cannot even be listed is dropped and counted; the others are written
    expect(records).toHaveLength(4);
    expect(dropped).toBe(1);
    expect(records.every((r) => r.zrm === true)).toBe(true);
    expect(records[1]).toMatchObject({ deep: { next: { note: '[REDACTED]' } } });
    expect(records[2]?.msg).toBe('[REDACTED]');
    expect(records[2]?.huge).toBe('[REDACTED]' + 'x'.repeat(1024 * 1024));
    expect(records[3]).toMatchObject({ getter: { value: '[unreadable]' }, proxy: '[unreadable]' });
  });

  it('drops and counts a line that pino cannot render, without throwing', () => {
    const out = capture();
    const c = canary('formatter');
    const log: Logger = pino(
      withZeroRetention({
        formatters: {
          log: () => {
            throw new Error(c);
          },
        },
      }),
      out,
    );
    const { dropped, events } = inZrm(() => expect(() => log.info({ text: c }, 'x')).not.toThrow());
    expect(out.chunks).toHaveLength(0);
    expect(dropped).toBe(1);
    expect(events).toContainEqual(
      expect.objectContaining({ kind: 'dropped-record', sink: 'pino' }),
    );
  });

  it('never throws into the caller when a mixin or a logMethod hook throws', () => {
    const out = capture();
    const c = canary('hooks');
    const fail = (): never => {
      throw new Error(c);
    };
    const withMixin: Logger = pino(withZeroRetention({ mixin: fail }), out);
    const withHook: Logger = pino(withZeroRetention({ hooks: { logMethod: fail } }), out);
    const { dropped } = inZrm(() => {
      expect(() => withMixin.info({ text: c })).not.toThrow();
      expect(() => withHook.info({ text: c })).not.toThrow();
    });
    expect(dropped).toBe(1);
    expect(out.text()).not.toContain(c);
  });

  it('never throws into the caller outside ZRM either: a line plain pino would throw on is dropped and counted', () => {
    const out = capture();
    const log: Logger = pino(
      withZeroRetention({
        serializers: {
          payload: () => {
            throw new Error('serializer bug');
          },
        },
      }),
      out,
    );
    const scope = createScope({ zeroRetention: false });
    scope.run(() => expect(() => log.info({ payload: 1 }, 'x')).not.toThrow());
    scope.end();
    expect(() => log.info({ payload: 1 }, 'outside any scope')).not.toThrow();
    expect(out.chunks).toHaveLength(0);
    expect(scope.counters.droppedRecords).toBe(1);
  });
});
