import { runWithScope } from '@zrm/core';
import { describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { createTracing, exported } from './support/tracing.js';

describe('the SDK span object of a ZRM request after it ended', () => {
  it('holds no content once handed on, so a context kept alive by a socket or timer retains none', () => {
    const tracing = createTracing();
    const tracer = tracing.tracer;
    const text = canary('attr');
    const event = canary('event');
    const status = canary('status');
    let sdkSpan: object | undefined;
    runWithScope({ zeroRetention: true }, () => {
      const span = tracer.startSpan('tts.synthesize', {
        attributes: { 'tts.text': text, 'tts.voice_id': 'v1' },
      });
      span.addEvent('chunk', { 'gen_ai.prompt': event });
      span.setStatus({ code: 2, message: `failed on ${status}` });
      span.end();
      sdkSpan = span;
    });
    // the object the SDK created (and that an OTel context keeps), not the exported view
    expect(findCanaries(dump(exported(sdkSpan as never)), [text, event, status])).toEqual([]);
    expect((sdkSpan as { attributes: Record<string, unknown> }).attributes['tts.voice_id']).toBe(
      'v1',
    );
    expect(tracing.spans()).toHaveLength(1);
  });

  it('leaves the SDK span of an ordinary request as it was', () => {
    const { tracer } = createTracing();
    const text = canary('ordinary');
    let sdkSpan: { attributes: Record<string, unknown> } | undefined;
    runWithScope({ zeroRetention: false }, () => {
      const span = tracer.startSpan('tts.synthesize', { attributes: { 'tts.text': text } });
      span.end();
      sdkSpan = span as unknown as { attributes: Record<string, unknown> };
    });
    expect(sdkSpan?.attributes['tts.text']).toBe(text);
  });
});
