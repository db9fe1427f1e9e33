import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { capturePino, createAudioCanary, createTextCanary } from '@zrm/testing';
import { canaryMatchers } from '../src/vitest.js';

describe('vitest matchers', () => {
  it('toContainNoCanary passes on a clean pino sink and fails, naming the label but not the text, on a leaky one', () => {
    const canary = createTextCanary('matcher');
    const sink = capturePino();
    const logger = pino({ base: null }, sink);
    logger.info({ chars: 42 }, 'tts');
    expect(sink).toContainNoCanary(canary);
    logger.info({ text: canary.value }, 'tts');
    let message = '';
    try {
      expect(sink).toContainNoCanary(canary);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('matcher (json-escaped)');
    expect(message).not.toContain(canary.value);
    expect(sink).toContainCanary(canary);
  });

  it('toContainCanary needs every canary of a list and reports the missing ones', () => {
    const a = createTextCanary('kept');
    const b = createAudioCanary('dropped');
    const result = canaryMatchers.toContainCanary(`log ${a.value}`, [a, b]);
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('missing: dropped');
    expect(`log ${a.value} ${Buffer.from(b.bytes).toString('base64')}`).toContainCanary([a, b]);
    expect('nothing here').not.toContainCanary(a);
  });
});
