import { markSensitive, runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

describe.each(PINOS)('merging object (%s)', (_name, pino) => {
  it('drops canaries under content keys at any depth in ZRM, and marks the line', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const top = canary('text');
    const deep = canary('prompt');
    const inArray = canary('transcript');
    runWithScope({ zeroRetention: true }, () => {
      log.info({
        text: top,
        a: { b: { c: { d: { prompt: deep } } } },
        list: [{ transcript: inArray }],
        chars: 12,
      });
    });
    const [record] = out.records();
    expect(out.chunks).toHaveLength(1);
    for (const c of [top, deep, inArray]) expect(out.text()).not.toContain(c);
    expect(record).toMatchObject({ zrm: true, chars: 12, text: '[REDACTED]' });
  });

  it('drops registered content under any key in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const secret = canary('registered');
    runWithScope({ zeroRetention: true }, () => {
      markSensitive(secret);
      log.info({ voiceId: 'v1', note: `user said ${secret}`, tags: [secret] });
    });
    expect(out.text()).not.toContain(secret);
    expect(out.records()[0]).toMatchObject({ voiceId: 'v1', zrm: true });
  });

  it('writes binary values as their size only in ZRM', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const marker = canary('audio');
    const bytes = Buffer.from(marker);
    runWithScope({ zeroRetention: true }, () => {
      log.info({ clip: bytes, view: new Uint8Array(bytes) });
    });
    const text = out.text();
    expect(text).not.toContain(marker);
    expect(text).not.toContain(bytes.toString('base64').slice(0, 16));
    expect(out.records()[0]).toMatchObject({ clip: `[binary ${bytes.length} bytes]` });
  });

  it('keeps every value of an ordinary request complete', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const top = canary('text');
    const deep = canary('prompt');
    runWithScope({ zeroRetention: false }, () => {
      log.info({ text: top, a: { b: { prompt: deep } } });
    });
    expect(out.text()).toContain(top);
    expect(out.text()).toContain(deep);
    expect(out.records()[0]).not.toHaveProperty('zrm');
  });

  it('does not mutate the object the caller logged', () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const value = canary('text');
    const logged = { text: value, nested: { prompt: value } };
    runWithScope({ zeroRetention: true }, () => log.info(logged));
    expect(logged).toEqual({ text: value, nested: { prompt: value } });
  });
});
