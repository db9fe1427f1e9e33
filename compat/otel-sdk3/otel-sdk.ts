// The OpenTelemetry JS SDK 3 line (sdk-node 0.3xx, sdk-trace 3.x, api 1.10; Node >= 22.15)
// as the otel tests use it: the `otel-sdk3` vitest project loads this module wherever the
// tests import packages/otel/test/support/otel-sdk.ts (the SDK 2 line), so both export
// the same names.
import {
  BatchSpanProcessor,
  SimpleSpanProcessor,
  TracerProvider as SdkTracerProvider,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type * as Sdk2 from '../../packages/otel/test/support/otel-sdk.js';
import type * as Sdk3 from './otel-sdk.js';

// api 1.10 holds the Logs API that NodeSDK 0.3xx registers its logger provider with
export { logs as logsApi, SeverityNumber } from '@opentelemetry/api';
export {
  BatchLogRecordProcessor,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
// sdk-node 0.3xx no longer re-exports the metrics SDK
export * as sdkMetrics from '@opentelemetry/sdk-metrics';
export { NodeSDK } from '@opentelemetry/sdk-node';
export {
  InMemorySpanExporter,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';

/** The major version of the SDK this module loads (`telemetry.sdk.version` of what it exports). */
export const SDK_LINE = 3;

export type TracerProvider = SdkTracerProvider;

export function createTracerProvider(spanProcessors: SpanProcessor[]): TracerProvider {
  return new SdkTracerProvider({ spanProcessors });
}

export function simpleSpanProcessor(exporter: SpanExporter): SpanProcessor {
  return new SimpleSpanProcessor({ exporter });
}

export function batchSpanProcessor(exporter: SpanExporter): SpanProcessor {
  return new BatchSpanProcessor({ exporter });
}

/**
 * Instrumentations this line has beyond http, express and pino: none, no fastify
 * instrumentation is published for instrumentation 0.3xx (fastify requests get the
 * http server span).
 */
export function lineInstrumentations(): Instrumentation[] {
  return [];
}

/** Node arguments of a child process (fixtures/service.mjs) that runs on this line. */
export const childExecArgv: readonly string[] = [
  '--import',
  new URL('./child-hooks.mjs', import.meta.url).href,
];

// Compile-time check: this module and the SDK 2 one export the same values.
type Missing = Exclude<keyof typeof Sdk2, keyof typeof Sdk3>;
type Extra = Exclude<keyof typeof Sdk3, keyof typeof Sdk2>;
const _noneMissing: [Missing] extends [never] ? true : never = true;
const _noneExtra: [Extra] extends [never] ? true : never = true;
