import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { markSensitive, runWithScope } from '@zrm/core';
import { ZeroRetentionLogRecordProcessor, ZeroRetentionSpanProcessor } from '@zrm/otel';
import {
  captureLogRecords,
  captureSpans,
  createTextCanary,
  findCanaries,
  startOtlpReceiver,
  type CapturedSink,
  type TextCanary,
} from '@zrm/testing';
import { describe, expect, it } from 'vitest';
// the tests' SDK module, typed as SDK 2's like every otel test; this project loads ./otel-sdk.ts for it
import {
  batchSpanProcessor,
  BatchLogRecordProcessor,
  createTracerProvider,
  LoggerProvider,
  SimpleLogRecordProcessor,
  simpleSpanProcessor,
  type LogRecordProcessor,
  type SpanProcessor,
} from '../../../packages/otel/test/support/otel-sdk.js';

/** SDK 3 providers exporting to @zrm/testing's capture exporters and, over OTLP/HTTP, its receiver. */
async function startPipelines(zrm: boolean) {
  const receiver = await startOtlpReceiver();
  const spans = captureSpans();
  const records = captureLogRecords();
  const span = (p: SpanProcessor): SpanProcessor => (zrm ? new ZeroRetentionSpanProcessor(p) : p);
  const log = (p: LogRecordProcessor): LogRecordProcessor =>
    zrm ? new ZeroRetentionLogRecordProcessor(p) : p;
  const tracerProvider = createTracerProvider([
    span(simpleSpanProcessor(spans)),
    span(batchSpanProcessor(new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }))),
  ]);
  const loggerProvider = new LoggerProvider({
    processors: [
      log(new SimpleLogRecordProcessor({ exporter: records })),
      log(
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }),
        }),
      ),
    ],
  });
  const tracer = tracerProvider.getTracer('sdk3-capture');
  const logger = loggerProvider.getLogger('sdk3-capture');
  return {
    spans,
    records,
    /** A request's work: a span and a log record carrying its text. */
    serve(text: TextCanary, zeroRetention: boolean): void {
      runWithScope({ zeroRetention }, () => {
        if (zeroRetention) markSensitive(text.value);
        tracer.startSpan('tts', { attributes: { 'gen_ai.input.messages': text.value } }).end();
        logger.emit({ body: `synthesizing ${text.value}`, attributes: { text: text.value } });
      });
    },
    /** Flushes and closes everything; returns the sinks to search. */
    async stop(): Promise<CapturedSink[]> {
      await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown()]);
      await receiver.close();
      return [spans, records, receiver];
    },
  };
}

const labels = (hits: { label: string }[]) => [...new Set(hits.map((h) => h.label))].sort();

describe("@zrm/testing's capture exporters and OTLP receiver on OpenTelemetry SDK 3", () => {
  it("read SDK 3's spans and log records: no ZRM canary behind zrm's processors, the ordinary one kept", async () => {
    const pipelines = await startPipelines(true);
    const zrm = createTextCanary('zrm-sdk3');
    const ordinary = createTextCanary('ordinary-sdk3');
    pipelines.serve(zrm, true);
    pipelines.serve(ordinary, false);
    const sinks = await pipelines.stop();
    expect(pipelines.spans.items).toContainEqual(
      expect.objectContaining({
        name: 'tts',
        scope: 'sdk3-capture',
        resource: expect.objectContaining({
          'telemetry.sdk.version': expect.stringMatching(/^3\./),
        }),
      }),
    );
    expect(pipelines.records.items).toContainEqual(
      expect.objectContaining({ body: 'synthesizing [REDACTED]', scope: 'sdk3-capture' }),
    );
    for (const sink of sinks) {
      expect(labels(findCanaries(sink, [zrm, ordinary])), sink.name).toEqual(['ordinary-sdk3']);
    }
  });

  it("positive control: without zrm's processors every sink receives the ZRM canary", async () => {
    const pipelines = await startPipelines(false);
    const zrm = createTextCanary('control-sdk3');
    pipelines.serve(zrm, true);
    for (const sink of await pipelines.stop()) {
      expect(labels(findCanaries(sink, zrm)), sink.name).toEqual(['control-sdk3']);
    }
  });
});
