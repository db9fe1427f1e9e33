import { context, trace, type Tracer } from '@opentelemetry/api';
import { markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from '../../../packages/otel/test/support/canary.js';
import {
  createTracerProvider,
  InMemorySpanExporter,
  simpleSpanProcessor,
} from '../../../packages/otel/test/support/otel-sdk.js';
import { createTracing, exported } from '../../../packages/otel/test/support/tracing.js';

// api 1.10 (SDK 3) widened span attribute values to AnyValue: maps, nested arrays, bytes.
// SDK 2 drops such values, so this runs on SDK 3 only. The tests' providers are typed with
// packages/otel's api 1.9, which has no such values: their tracers are used as api 1.10's.
const asApi110 = (tracer: unknown): Tracer => tracer as Tracer;

interface Canaries {
  underKey: string;
  registered: string;
  bytes: string;
  ordinary: string;
}

/** A ZRM request's span with content in maps, nested arrays and bytes, then an ordinary span in flight. */
function emit(tracer: Tracer, c: Canaries): void {
  const root = tracer.startSpan('req');
  const scope = context.with(trace.setSpan(context.active(), root), () =>
    createScope({ zeroRetention: true }),
  );
  scope.run(() => {
    markSensitive(c.registered);
    tracer
      .startSpan('llm', {
        attributes: {
          'gen_ai.request': { messages: [{ role: 'user', content: c.underKey }], model: 'm-1' },
          note: { said: `said ${c.registered}`, chars: 42 },
          nested: [[c.registered]],
          audio: new TextEncoder().encode(c.bytes),
        },
      })
      .end();
  });
  runWithScope({ zeroRetention: false }, () => {
    tracer
      .startSpan('batch', {
        attributes: { mixed: { items: [`x ${c.registered}`] }, own: { items: [c.ordinary] } },
      })
      .end();
  });
  root.end();
  scope.end();
}

const newCanaries = (): Canaries => ({
  underKey: canary('mapkey'),
  registered: canary('regmap'),
  bytes: canary('bytes'),
  ordinary: canary('ordmap'),
});

describe('map, nested-array and byte attribute values (api 1.10 AnyValue) on SDK 3', () => {
  it('exports a ZRM span without their content, keeps their metadata, and cleans an ordinary span in flight', () => {
    const tracing = createTracing();
    const c = newCanaries();
    emit(asApi110(tracing.tracer), c);
    const spans = tracing.spans().map(exported);
    const text = dump(spans);
    expect(findCanaries(text, [c.underKey, c.registered, c.bytes])).toEqual([]);
    const llm = spans.find((s) => s.name === 'llm')!;
    expect(llm.attributes).toMatchObject({
      'gen_ai.request': { model: 'm-1' },
      note: { chars: 42 },
      'zrm.zero_retention': true,
    });
    const batch = spans.find((s) => s.name === 'batch')!;
    expect(batch.attributes).toEqual({ mixed: '[REDACTED]', own: { items: [c.ordinary] } });
  });

  it('positive control: without zrm the SDK exports every canary in those values', () => {
    const exporter = new InMemorySpanExporter();
    const provider = createTracerProvider([simpleSpanProcessor(exporter)]);
    const c = newCanaries();
    emit(asApi110(provider.getTracer('control')), c);
    const spans = exporter.getFinishedSpans().map(exported);
    const llm = exporter.getFinishedSpans().find((s) => s.name === 'llm')!;
    const audio: unknown = llm.attributes.audio;
    expect(audio).toBeInstanceOf(Uint8Array);
    expect(new TextDecoder().decode(audio as Uint8Array)).toBe(c.bytes);
    expect(findCanaries(dump(spans), [c.underKey, c.registered, c.ordinary])).toEqual([
      c.underKey,
      c.registered,
      c.ordinary,
    ]);
  });
});
