import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { ZeroRetentionSpanExporter } from '@zrm/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, findCanaries } from './support/canary.js';
import {
  batchSpanProcessor,
  createTracerProvider,
  InMemorySpanExporter,
  simpleSpanProcessor,
} from './support/otel-sdk.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { exported, useContextManager } from './support/tracing.js';

let receiver: OtlpReceiver;
beforeAll(async () => {
  useContextManager();
  receiver = await startOtlpReceiver();
});
afterAll(() => receiver.close());

describe('ZeroRetentionSpanExporter', () => {
  it('exports spans of a trace marked ZRM without content, and ordinary traces complete', () => {
    const memory = new InMemorySpanExporter();
    const provider = createTracerProvider([
      simpleSpanProcessor(new ZeroRetentionSpanExporter(memory)),
    ]);
    const tracer = provider.getTracer('t');
    const zrm = canary('zrm');
    const ordinary = canary('ordinary');
    const server = tracer.startSpan('GET /v1/tts', {
      attributes: { 'url.full': `http://h/v1/tts?text=${zrm}` },
    });
    context
      .with(trace.setSpan(context.active(), server), () => createScope({ zeroRetention: true }))
      .end();
    server.end();
    tracer
      .startSpan('GET /v1/tts', { attributes: { 'url.full': `http://h/v1/tts?text=${ordinary}` } })
      .end();
    const text = JSON.stringify(memory.getFinishedSpans().map(exported));
    expect(findCanaries(text, [zrm, ordinary])).toEqual([ordinary]);
  });

  it('sends no canary over the wire from a ZRM trace through the real OTLP/HTTP exporter', async () => {
    const otlp = new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` });
    const provider = createTracerProvider([
      batchSpanProcessor(new ZeroRetentionSpanExporter(otlp)),
    ]);
    const tracer = provider.getTracer('t');
    const zrm = canary('wire-zrm');
    const ordinary = canary('wire-ordinary');
    const root = tracer.startSpan('POST /v1/text-to-speech');
    const ctx = trace.setSpan(context.active(), root);
    context.with(ctx, () =>
      runWithScope({ zeroRetention: true }, () => {
        const child = tracer.startSpan('llm', { attributes: { 'gen_ai.input.messages': zrm } });
        child.addEvent('chunk', { 'gen_ai.output.messages': zrm });
        child.end();
      }),
    );
    root.setAttribute('http.request.body', zrm);
    root.end();
    tracer
      .startSpan('POST /v1/text-to-speech', { attributes: { 'gen_ai.input.messages': ordinary } })
      .end();
    await provider.forceFlush();
    await provider.shutdown();
    const wire = receiver.received('/v1/traces');
    expect(wire).toContain('POST /v1/text-to-speech');
    expect(findCanaries(wire, [zrm, ordinary])).toEqual([ordinary]);
  });

  it('shuts the inner exporter down once and refuses exports after shutdown', async () => {
    const memory = new InMemorySpanExporter();
    const exporter = new ZeroRetentionSpanExporter(memory);
    await Promise.all([exporter.shutdown(), exporter.shutdown()]);
    const results: number[] = [];
    exporter.export([], (r) => results.push(r.code));
    expect(results).toEqual([1]);
  });
});

describe('ZeroRetentionSpanExporter failures', () => {
  it('drops a span of a ZRM trace it cannot read and still exports the others (fail closed)', () => {
    const memory = new InMemorySpanExporter();
    const errors: string[] = [];
    const wrapper = new ZeroRetentionSpanExporter(memory, {
      onError: (e) => errors.push(`${e.where}:${e.action}`),
    });
    const provider = createTracerProvider([simpleSpanProcessor(wrapper)]);
    const tracer = provider.getTracer('t');
    const secret = canary('exporter-unreadable');
    const root = tracer.startSpan('root');
    const ctx = trace.setSpan(context.active(), root);
    const scope = context.with(ctx, () => createScope({ zeroRetention: true }));
    const bad = tracer.startSpan('bad', { attributes: { 'gen_ai.prompt': secret } }, ctx);
    Object.defineProperty(bad, 'links', {
      get() {
        throw new Error(secret);
      },
    });
    bad.end();
    root.end();
    scope.end();
    expect(memory.getFinishedSpans().map((s) => s.name)).toEqual(['root']);
    expect(errors).toEqual(['span-exporter:dropped']);
  });
});
