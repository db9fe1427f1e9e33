import { trace, type ProxyTracerProvider } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  ZeroRetentionLogRecordProcessor,
  ZeroRetentionPropagator,
  ZeroRetentionSpanProcessor,
  type ZeroRetentionPropagatorOptions,
} from '@zrm/otel';
import {
  BatchLogRecordProcessor,
  batchSpanProcessor,
  InMemoryLogRecordExporter,
  InMemorySpanExporter,
  lineInstrumentations,
  logsApi,
  NodeSDK,
  SimpleLogRecordProcessor,
  simpleSpanProcessor,
} from './otel-sdk.js';

interface Flushable {
  forceFlush?: () => Promise<void>;
}

export interface TestSdk {
  spans: InMemorySpanExporter;
  logs: InMemoryLogRecordExporter;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * The real NodeSDK with the http, express and pino instrumentations (and fastify's on SDK 2),
 * each pipeline wrapped by zrm: in-memory exporters and OTLP/HTTP exporters
 * sending to `otlpUrl`.
 */
export function startSdk(
  otlpUrl: string,
  propagator: ZeroRetentionPropagatorOptions = {},
): TestSdk {
  const spans = new InMemorySpanExporter();
  const logs = new InMemoryLogRecordExporter();
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': 'zrm-e2e' }),
    // no metrics pipeline from the environment (it would try to export to a Collector on localhost)
    metricReaders: [],
    spanProcessors: [
      new ZeroRetentionSpanProcessor(simpleSpanProcessor(spans)),
      new ZeroRetentionSpanProcessor(
        batchSpanProcessor(new OTLPTraceExporter({ url: `${otlpUrl}/v1/traces` })),
      ),
    ],
    logRecordProcessors: [
      new ZeroRetentionLogRecordProcessor(new SimpleLogRecordProcessor({ exporter: logs })),
      new ZeroRetentionLogRecordProcessor(
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${otlpUrl}/v1/logs` }),
        }),
      ),
    ],
    instrumentations: [
      new HttpInstrumentation(),
      new ExpressInstrumentation(),
      new PinoInstrumentation(),
      ...lineInstrumentations(),
    ],
    textMapPropagator: new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new ZeroRetentionPropagator(propagator),
      ],
    }),
  });
  sdk.start();
  return {
    spans,
    logs,
    flush: async () => {
      const tracerProvider = (
        trace.getTracerProvider() as ProxyTracerProvider
      ).getDelegate() as Flushable;
      await tracerProvider.forceFlush?.();
      await (logsApi.getLoggerProvider() as Flushable).forceFlush?.();
    },
    shutdown: () => sdk.shutdown(),
  };
}
