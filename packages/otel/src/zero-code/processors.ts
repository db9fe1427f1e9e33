import { ZeroRetentionLogRecordProcessor } from '../log-record-processor.js';
import { ZeroRetentionSpanExporter } from '../span-exporter.js';
import { ZeroRetentionSpanProcessor } from '../span-processor.js';
import type { ZrmLogRecordProcessor, ZrmSpanExporter, ZrmSpanProcessor } from '../types.js';
import type { BatchOptions, SdkExporter, SdkParts } from './sdk-parts.js';

/** What differs between the trace and the log pipeline that the environment configures. */
interface Signal<P> {
  readonly exporterVariable: 'OTEL_TRACES_EXPORTER' | 'OTEL_LOGS_EXPORTER';
  readonly protocolVariable:
    'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' | 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL';
  /** OTLP exporter package per `OTEL_EXPORTER_OTLP_*_PROTOCOL` value. */
  readonly otlpPackages: { readonly 'http/protobuf': string } & Readonly<Record<string, string>>;
  readonly otlpClass: string;
  readonly batchPrefix: 'OTEL_BSP' | 'OTEL_BLRP';
  console(): SdkExporter;
  /** zrm's wrapping around an exporter and the SDK processor that feeds it. */
  batch(exporter: SdkExporter, options: BatchOptions): P;
  simple(exporter: SdkExporter): P;
}

/** The names in an exporter variable, as the SDK reads them: unset means otlp, `none` means no exporter. */
function exporterNames(sdk: SdkParts, variable: string): string[] {
  const names = [...new Set(sdk.core.getStringListFromEnv(variable) ?? [])];
  if (names.length === 0) return ['otlp'];
  return names.includes('none') ? [] : names;
}

/** A positive number from the environment; anything else is the SDK's default (and warned about). */
function positiveNumber(sdk: SdkParts, variable: string): number | undefined {
  const value = sdk.core.getNumberFromEnv(variable);
  if (value === undefined || value > 0) return value;
  sdk.api.diag.warn(`@zrm/otel/register: ${variable} must be greater than 0; using the default`);
  return undefined;
}

function batchOptions(sdk: SdkParts, prefix: string): BatchOptions {
  return {
    maxQueueSize: positiveNumber(sdk, `${prefix}_MAX_QUEUE_SIZE`),
    scheduledDelayMillis: positiveNumber(sdk, `${prefix}_SCHEDULE_DELAY`),
    exportTimeoutMillis: positiveNumber(sdk, `${prefix}_EXPORT_TIMEOUT`),
    maxExportBatchSize: positiveNumber(sdk, `${prefix}_MAX_EXPORT_BATCH_SIZE`),
  };
}

function otlpExporter<P>(sdk: SdkParts, signal: Signal<P>): SdkExporter {
  const protocol =
    (
      sdk.core.getStringFromEnv(signal.protocolVariable) ??
      sdk.core.getStringFromEnv('OTEL_EXPORTER_OTLP_PROTOCOL')
    )?.trim() || 'http/protobuf';
  let pkg = signal.otlpPackages[protocol];
  if (pkg === undefined) {
    sdk.api.diag.warn(
      `@zrm/otel/register: unsupported OTLP protocol "${protocol}" (supported: ${Object.keys(signal.otlpPackages).join(', ')}); using http/protobuf`,
    );
    pkg = signal.otlpPackages['http/protobuf'];
  }
  const Exporter = sdk.dependencyClass<new () => SdkExporter>(pkg, signal.otlpClass);
  return new Exporter();
}

function processorsFromEnv<P>(sdk: SdkParts, signal: Signal<P>): P[] {
  const processors: P[] = [];
  for (const name of exporterNames(sdk, signal.exporterVariable)) {
    if (name === 'otlp') {
      processors.push(
        signal.batch(otlpExporter(sdk, signal), batchOptions(sdk, signal.batchPrefix)),
      );
    } else if (name === 'console') {
      processors.push(signal.simple(signal.console()));
    } else {
      sdk.api.diag.warn(
        `@zrm/otel/register: unsupported ${signal.exporterVariable} value "${name}" (supported: otlp, console, none); nothing is exported for it`,
      );
    }
  }
  return processors;
}

/**
 * The span processors `OTEL_TRACES_EXPORTER` asks for, as the SDK builds
 * them (batch for OTLP, simple for console), each exporter wrapped in a
 * `ZeroRetentionSpanExporter` and each processor in a
 * `ZeroRetentionSpanProcessor`.
 */
export function spanProcessorsFromEnv(sdk: SdkParts): ZrmSpanProcessor[] {
  const wrap = (exporter: SdkExporter) =>
    new ZeroRetentionSpanExporter(exporter as ZrmSpanExporter) as SdkExporter;
  return processorsFromEnv<ZrmSpanProcessor>(sdk, {
    exporterVariable: 'OTEL_TRACES_EXPORTER',
    protocolVariable: 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL',
    otlpPackages: {
      grpc: '@opentelemetry/exporter-trace-otlp-grpc',
      'http/json': '@opentelemetry/exporter-trace-otlp-http',
      'http/protobuf': '@opentelemetry/exporter-trace-otlp-proto',
    },
    otlpClass: 'OTLPTraceExporter',
    batchPrefix: 'OTEL_BSP',
    console: () => new sdk.trace.ConsoleSpanExporter(),
    batch: (exporter, options) =>
      new ZeroRetentionSpanProcessor(
        new sdk.trace.BatchSpanProcessor({ exporter: wrap(exporter), ...options }),
      ),
    simple: (exporter) =>
      new ZeroRetentionSpanProcessor(
        new sdk.trace.SimpleSpanProcessor({ exporter: wrap(exporter) }),
      ),
  });
}

/** The log-record processors `OTEL_LOGS_EXPORTER` asks for, each wrapped in a `ZeroRetentionLogRecordProcessor`. */
export function logRecordProcessorsFromEnv(sdk: SdkParts): ZrmLogRecordProcessor[] {
  return processorsFromEnv<ZrmLogRecordProcessor>(sdk, {
    exporterVariable: 'OTEL_LOGS_EXPORTER',
    protocolVariable: 'OTEL_EXPORTER_OTLP_LOGS_PROTOCOL',
    otlpPackages: {
      grpc: '@opentelemetry/exporter-logs-otlp-grpc',
      'http/json': '@opentelemetry/exporter-logs-otlp-http',
      'http/protobuf': '@opentelemetry/exporter-logs-otlp-proto',
    },
    otlpClass: 'OTLPLogExporter',
    batchPrefix: 'OTEL_BLRP',
    console: () => new sdk.logs.ConsoleLogRecordExporter(),
    batch: (exporter, options) =>
      new ZeroRetentionLogRecordProcessor(
        new sdk.logs.BatchLogRecordProcessor({ exporter, ...options }),
      ),
    simple: (exporter) =>
      new ZeroRetentionLogRecordProcessor(new sdk.logs.SimpleLogRecordProcessor({ exporter })),
  });
}
