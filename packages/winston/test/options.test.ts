import { currentScope, definePolicy, runWithScope, type RedactionEvent } from '@zrm/core';
import { zeroRetentionFormat } from '@zrm/winston';
import type winston from 'winston';
import { describe, expect, it } from 'vitest';
import { canary, fileLogger, format, records } from './helpers.js';

describe('zeroRetentionFormat options', () => {
  it('rejects bad options with a TypeError that names the option only', () => {
    const secret = canary('option');
    const bad: unknown[] = [
      secret,
      { format: secret },
      { format: { transform: secret } },
      { messages: secret },
      { safeMessages: [secret, 1] },
    ];
    for (const options of bad) {
      expect(() => zeroRetentionFormat(options as object)).toThrow(TypeError);
      expect(() => zeroRetentionFormat(options as object)).toThrow(
        /^zeroRetentionFormat: (?!.*CANARY)/,
      );
    }
  });

  it('defaults to format.json(), winston’s own default format', async () => {
    const log = fileLogger(true, {}, { format: undefined });
    const plain = fileLogger(false, {}, { format: format.json() });
    for (const l of [log, plain]) l.logger.info('ready', { port: 8080 });
    expect(await log.read(1)).toBe(await plain.read(1));
  });

  it('placed first inside combine(), a later splat() still interpolates only redacted arguments', async () => {
    const c = canary('misplaced');
    const log = fileLogger(
      false,
      {},
      {
        format: format.combine(
          zeroRetentionFormat({ format: format.json() }),
          format.splat(),
          format.json(),
        ),
      },
    );
    runWithScope({ zeroRetention: true }, () => log.logger.info('said %s', c, { text: c }));
    const text = await log.read(1);
    expect(text).not.toContain(c);
    expect(records(text)[0]).toMatchObject({
      message: 'said [REDACTED]',
      text: '[REDACTED]',
      zrm: true,
    });
  });

  it('writes a field it cannot read as [unreadable], and a record it cannot list as a placeholder counted as dropped', async () => {
    const c = canary('unreadable');
    const events: RedactionEvent[] = [];
    const log = fileLogger(true);
    const withGetter = { level: 'info', message: 'x' } as Record<string, unknown>;
    Object.defineProperty(withGetter, 'voice', {
      enumerable: true,
      get() {
        throw new Error(c);
      },
    });
    const unlistable = new Proxy(
      { level: 'warn', message: c },
      {
        ownKeys() {
          throw new Error(c);
        },
      },
    );
    const counters = runWithScope(
      { zeroRetention: true, policy: definePolicy({ onRedaction: (e) => events.push(e) }) },
      () => {
        expect(() => log.logger.log(withGetter as unknown as winston.LogEntry)).not.toThrow();
        expect(() => log.logger.log(unlistable)).not.toThrow();
        return currentScope()!.counters;
      },
    );
    const text = await log.read(2);
    expect(text).not.toContain(c);
    expect(records(text)).toEqual([
      { level: 'info', message: '[REDACTED]', voice: '[unreadable]', zrm: true },
      { level: 'warn', message: '[REDACTED]', zrm: true },
    ]);
    expect(counters.droppedRecords).toBe(1);
    expect(events.filter((e) => e.kind === 'dropped-record')).toEqual([
      { kind: 'dropped-record', count: 1, sink: 'winston', requestId: undefined },
    ]);
  });
});
