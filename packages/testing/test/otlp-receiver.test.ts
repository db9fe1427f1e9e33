import { deflateSync, gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { createTextCanary, findCanaries, startOtlpReceiver } from '@zrm/testing';
import type { OtlpReceiver } from '@zrm/testing';

async function exportSpan(exporter: SpanExporter, attribute: string): Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const span = provider.getTracer('test').startSpan('POST /v1/text-to-speech/:voice_id');
  span.setAttribute('voice.text', attribute);
  span.addEvent('chunk', { 'voice.chunk': attribute.slice(0, 20) });
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
}

describe('startOtlpReceiver', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  it('receives protobuf spans from the real OTLP proto exporter and finds the canary in the raw bytes', async () => {
    const canary = createTextCanary('proto');
    await exportSpan(new ProtoTraceExporter({ url: `${receiver.url}/v1/traces` }), canary.value);
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]!.contentType).toContain('protobuf');
    const hits = findCanaries(receiver.signal('traces'), canary);
    expect(hits.map((h) => h.form)).toEqual(['plain']);
    expect(findCanaries(receiver.signal('logs'), canary)).toEqual([]);
  });

  it('receives JSON spans from the real OTLP/HTTP JSON exporter and finds the escaped canary', async () => {
    const canary = createTextCanary('json');
    await exportSpan(new JsonTraceExporter({ url: `${receiver.url}/v1/traces` }), canary.value);
    expect(receiver.requests[0]!.contentType).toContain('json');
    expect(findCanaries(receiver, canary).map((h) => h.form)).toEqual(['json-escaped']);
  });

  it('decodes gzip bodies from the real exporter so compressed content is still found', async () => {
    const canary = createTextCanary('gzip');
    const exporter = new ProtoTraceExporter({
      url: `${receiver.url}/v1/traces`,
      // CompressionAlgorithm.GZIP; the enum's package is not a dependency of ours
      compression: 'gzip' as never,
    });
    await exportSpan(exporter, canary.value);
    const request = receiver.requests[0]!;
    expect(request.contentEncoding).toBe('gzip');
    expect(findCanaries(request.raw, canary)).toEqual([]);
    expect(findCanaries(request.body, canary).map((h) => h.form)).toEqual(['plain']);
    expect(findCanaries(receiver, canary)).toHaveLength(1);
  });

  it('keeps spans without content clean: an ordinary attribute is not reported as a canary', async () => {
    const canary = createTextCanary('absent');
    await exportSpan(
      new ProtoTraceExporter({ url: `${receiver.url}/v1/traces` }),
      'an ordinary sentence of no interest',
    );
    expect(receiver.requests).toHaveLength(1);
    expect(findCanaries(receiver, canary)).toEqual([]);
  });

  it('accepts logs and metrics bodies, decodes gzip and deflate, files them by signal and answers 404 elsewhere', async () => {
    const canary = createTextCanary('logs');
    const logs = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ resourceLogs: [{ body: { stringValue: canary.value } }] })),
    });
    expect(logs.status).toBe(200);
    expect(await logs.json()).toEqual({});
    const metrics = await fetch(`${receiver.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from('metric bytes'),
    });
    expect(metrics.status).toBe(200);
    const deflated = await fetch(`${receiver.url}/v1/logs`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'deflate' },
      body: deflateSync(Buffer.from(`record ${canary.value}`)),
    });
    expect(deflated.status).toBe(200);
    expect((await fetch(`${receiver.url}/v1/other`, { method: 'POST', body: 'x' })).status).toBe(
      404,
    );
    expect(findCanaries(receiver.signal('logs'), canary).map((h) => h.form)).toEqual([
      'json-escaped',
      'plain',
    ]);
    expect(findCanaries(receiver.signal('metrics'), canary)).toEqual([]);
    expect(receiver.requests.map((r) => r.signal)).toEqual(['logs', 'metrics', 'logs']);
  });

  it('refuses a body over the size limit with 413 and keeps nothing of it', async () => {
    const small = await startOtlpReceiver({ maxBodyBytes: 1024 });
    try {
      const response = await fetch(`${small.url}/v1/traces`, {
        method: 'POST',
        body: Buffer.alloc(4096, 97),
      });
      expect(response.status).toBe(413);
      expect(small.requests).toHaveLength(0);
    } finally {
      await small.close();
    }
  });

  it('fails with a ZrmError naming the port when the port is taken', async () => {
    await expect(startOtlpReceiver({ port: receiver.port })).rejects.toMatchObject({
      code: 'invalid_request',
      param: 'port',
    });
  });
});
