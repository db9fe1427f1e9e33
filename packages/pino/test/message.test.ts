import { markSensitive, runWithScope } from '@zrm/core';
import { DEFAULT_SAFE_MESSAGES, withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('message and interpolation (%s)', (_name, pino) => {
  it('drops canaries passed as %s, %d, %o, %O and %j arguments in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const s = canary('s');
    const o = canary('o');
    const big = canary('O');
    const j = canary('j');
    runWithScope({ zeroRetention: true }, () => {
      log.info('s=%s d=%d o=%o O=%O j=%j', s, 42, { text: o }, { prompt: big }, { input: j });
      log.info({ route: '/tts' }, 'said %s', s);
    });
    const text = out.text();
    for (const c of [s, o, big, j]) expect(text).not.toContain(c);
    const [first, second] = out.records();
    expect(first?.msg).toBe(
      's=[REDACTED] d=42 o={"text":"[REDACTED]"} O={"prompt":"[REDACTED]"} j={"input":"[REDACTED]"}',
    );
    expect(second).toMatchObject({ route: '/tts', msg: 'said [REDACTED]', zrm: true });
  });

  it('replaces a bare message string in ZRM by default, so content nobody registered never reaches the line', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const unregistered = canary('bare');
    runWithScope({ zeroRetention: true }, () => {
      log.info(`user said ${unregistered}`);
      log.info({ chars: 3 }, unregistered);
      log.info('said %s', unregistered);
    });
    expect(out.text()).not.toContain(unregistered);
    expect(out.records().map((r) => r.msg)).toEqual([
      '[REDACTED]',
      '[REDACTED]',
      'said [REDACTED]',
    ]);
  });

  it('keeps the request event names of pino-http and Fastify, and a custom safe message, in ZRM', () => {
    const out = capture();
    const log = pino(
      withZeroRetention({}, { safeMessages: ['tts done', ...DEFAULT_SAFE_MESSAGES] }),
      out,
    );
    runWithScope({ zeroRetention: true }, () => {
      log.info('request completed');
      log.info('incoming request');
      log.info('tts done');
      log.info('tts done!');
    });
    expect(out.records().map((r) => r.msg)).toEqual([
      'request completed',
      'incoming request',
      'tts done',
      '[REDACTED]',
    ]);
  });

  it("keeps a bare message with messages: 'keep', scrubbing registered content from it in ZRM", () => {
    const out = capture();
    const log = pino(withZeroRetention({}, { messages: 'keep' }), out);
    const secret = canary('template');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      log.info(`synthesizing ${secret} now`);
      log.info('said %s', canary('arg'));
    });
    expect(out.text()).not.toContain(secret);
    expect(out.records().map((r) => r.msg)).toEqual([
      'synthesizing [REDACTED] now',
      'said [REDACTED]',
    ]);
  });

  it('drops registered content from a msgPrefix in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const secret = canary('prefix');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      log.child({}, { msgPrefix: `[${secret}] ` }).info('done %d', 1);
    });
    expect(out.text()).not.toContain(secret);
    expect(out.records()[0]?.msg).toBe('[[REDACTED]] done 1');
  });

  it('writes non-string messages and null or undefined arguments without content or throwing in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const c = canary('msgobj');
    runWithScope({ zeroRetention: true }, () => {
      log.info(42);
      log.info(null);
      log.info(undefined);
      log.info({ a: 1 }, { text: c } as unknown as string);
      log.info('%s and %d', null as unknown as string, undefined as unknown as number);
      log.info(Symbol('x') as unknown as string);
    });
    expect(out.text()).not.toContain(c);
    const records = out.records();
    expect(records).toHaveLength(6);
    expect(records.every((r) => r.zrm === true)).toBe(true);
    expect(records[0]?.msg).toBe(42);
    expect(records[3]?.msg).toEqual({ text: '[REDACTED]' });
  });

  it('keeps the message and its arguments complete for an ordinary request', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const s = canary('s');
    const j = canary('j');
    runWithScope({ zeroRetention: false }, () => log.info('said %s %j', s, { input: j }));
    expect(out.records()[0]?.msg).toBe(`said ${s} {"input":"${j}"}`);
  });
});
