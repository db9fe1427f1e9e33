// The OpenTelemetry JS SDK 2 line (sdk-node 0.2xx, sdk-trace-base 2.x, api 1.9; Node >= 20)
// as the otel tests use it. Every SDK name that differs between lines comes from here;
// the `otel-sdk3` vitest project swaps this module for compat/otel-sdk3/otel-sdk.ts,
// which exports the same names from SDK 3.
import { FastifyInstrumentation } from '@opentelemetry/instrumentation-fastify';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export { logs as logsApi, SeverityNumber } from '@opentelemetry/api-logs';
export {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
export { metrics as sdkMetrics, NodeSDK } from '@opentelemetry/sdk-node';
export {
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';

/** The major version of the SDK this module loads (`telemetry.sdk.version` of what it exports). */
export const SDK_LINE = 2;

export type TracerProvider = BasicTracerProvider;

export function createTracerProvider(spanProcessors: SpanProcessor[]): TracerProvider {
  return new BasicTracerProvider({ spanProcessors });
}

export function simpleSpanProcessor(exporter: SpanExporter): SpanProcessor {
  return new SimpleSpanProcessor(exporter);
}

export function batchSpanProcessor(exporter: SpanExporter): SpanProcessor {
  return new BatchSpanProcessor(exporter);
}

/** Instrumentations this line has beyond http, express and pino. */
export function lineInstrumentations(): FastifyInstrumentation[] {
  return [new FastifyInstrumentation()];
}

/** Node arguments of a child process (fixtures/service.mjs) that runs on this line. */
export const childExecArgv: readonly string[] = [];
