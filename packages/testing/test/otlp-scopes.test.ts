import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { startOtlpReceiver } from '@zrm/testing';
import type { OtlpReceiver } from '@zrm/testing';
import { otlpScopeNames } from '../src/otlp-scopes.js';

async function exportSpans(exporter: SpanExporter, scopes: string[]): Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  for (const scope of scopes) provider.getTracer(scope, '1.2.3').startSpan('work').end();
  await provider.forceFlush();
  await provider.shutdown();
}

describe('otlpScopeNames', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  for (const [format, Exporter] of [
    ['protobuf', ProtoTraceExporter],
    ['JSON', JsonTraceExporter],
  ] as const) {
    it(`reads the instrumentation scope of each span the real ${format} exporter sent`, async () => {
      await exportSpans(new Exporter({ url: `${receiver.url}/v1/traces` }), [
        '@opentelemetry/instrumentation-http',
        'voice-api',
      ]);
      const names = receiver.requests.flatMap((r) => otlpScopeNames(r.body, r.contentType));
      expect(names.sort()).toEqual(['@opentelemetry/instrumentation-http', 'voice-api']);
    });
  }

  it('names no scope in a body it cannot read', () => {
    expect(otlpScopeNames(Buffer.from([0x0a, 0xff, 0xff]), 'application/x-protobuf')).toEqual([]);
    expect(otlpScopeNames(Buffer.from('{not json'), 'application/json')).toEqual([]);
  });
});
