import type { DiagLogger, DiagLogLevel, TextMapPropagator } from '@opentelemetry/api';
import type { ZrmLogRecordProcessor, ZrmSpanExporter, ZrmSpanProcessor } from '../types.js';
import type { Peer } from './peers.js';

/** An exporter the SDK builds and hands to one of its own processors (opaque to zrm). */
export type SdkExporter = object;

/** The batch settings the SDK's batch processors take (both lines: an options object). */
export interface BatchOptions {
  maxQueueSize?: number | undefined;
  scheduledDelayMillis?: number | undefined;
  exportTimeoutMillis?: number | undefined;
  maxExportBatchSize?: number | undefined;
}

type ProcessorClass<P> = new (options: { exporter: SdkExporter } & BatchOptions) => P;

export interface NodeSdkConfig {
  instrumentations: unknown[];
  resourceDetectors: unknown[];
  spanProcessors: ZrmSpanProcessor[];
  logRecordProcessors: ZrmLogRecordProcessor[];
  textMapPropagator: TextMapPropagator;
}

export interface NodeSdk {
  start(): void;
  shutdown(): Promise<void>;
}

/** The parts of the application's OpenTelemetry SDK that the register uses, found by feature. */
export interface SdkParts {
  /** Version of `@opentelemetry/sdk-node`. */
  readonly version: string;
  readonly NodeSDK: new (config: NodeSdkConfig) => NodeSdk;
  readonly api: {
    readonly diag: DiagLogger & {
      setLogger(logger: DiagLogger, options: { logLevel?: DiagLogLevel | undefined }): boolean;
      disable(): void;
    };
    readonly DiagConsoleLogger: new () => DiagLogger;
  };
  readonly core: {
    getStringFromEnv(name: string): string | undefined;
    getStringListFromEnv(name: string): string[] | undefined;
    getNumberFromEnv(name: string): number | undefined;
    getBooleanFromEnv(name: string): boolean;
    diagLogLevelFromString(value: string | undefined): DiagLogLevel | undefined;
    readonly CompositePropagator: new (config: {
      propagators: TextMapPropagator[];
    }) => TextMapPropagator;
    readonly W3CTraceContextPropagator: new () => TextMapPropagator;
    readonly W3CBaggagePropagator: new () => TextMapPropagator;
  };
  readonly trace: {
    readonly BatchSpanProcessor: ProcessorClass<ZrmSpanProcessor>;
    readonly SimpleSpanProcessor: ProcessorClass<ZrmSpanProcessor>;
    readonly ConsoleSpanExporter: new () => ZrmSpanExporter;
  };
  readonly logs: {
    readonly BatchLogRecordProcessor: ProcessorClass<ZrmLogRecordProcessor>;
    readonly SimpleLogRecordProcessor: ProcessorClass<ZrmLogRecordProcessor>;
    readonly ConsoleLogRecordExporter: new () => SdkExporter;
  };
  /** Loads a class a dependency of sdk-node exports (an exporter, a propagator), or throws naming it. */
  dependencyClass<T>(pkg: string, name: string): T;
}

function unsupported(sdk: Peer, what: string): Error {
  return Object.assign(
    new Error(
      `@zrm/otel/register cannot use @opentelemetry/sdk-node ${sdk.version}: ${what} is missing (it needs @opentelemetry/sdk-node >= 0.220, whose processors take an options object)`,
    ),
    { code: 'ZRM_OTEL_SDK_UNSUPPORTED' },
  );
}

/** `module[names]`, each checked to be a function: a part the SDK renamed or dropped is named in the error. */
function pick<T>(sdk: Peer, pkg: string, names: readonly string[]): T {
  let module: Record<string, unknown>;
  try {
    module = sdk.require(pkg) as Record<string, unknown>;
  } catch {
    throw unsupported(sdk, pkg);
  }
  const picked: Record<string, unknown> = {};
  for (const name of names) {
    const value = module[name];
    if (typeof value !== 'function') throw unsupported(sdk, `${pkg} ${name}`);
    picked[name] = value;
  }
  return picked as T;
}

/** Loads the SDK's parts from sdk-node's own folder, so they are the ones its NodeSDK uses. */
export function loadSdkParts(sdk: Peer): SdkParts {
  const { NodeSDK } = pick<Pick<SdkParts, 'NodeSDK'>>(sdk, sdk.entry, ['NodeSDK']);
  const api = sdk.require('@opentelemetry/api') as Record<string, unknown>;
  if (typeof api.diag !== 'object' || api.diag === null)
    throw unsupported(sdk, '@opentelemetry/api diag');
  return {
    version: sdk.version,
    NodeSDK,
    api: {
      diag: api.diag as SdkParts['api']['diag'],
      ...pick<Pick<SdkParts['api'], 'DiagConsoleLogger'>>(sdk, '@opentelemetry/api', [
        'DiagConsoleLogger',
      ]),
    },
    core: pick(sdk, '@opentelemetry/core', [
      'getStringFromEnv',
      'getStringListFromEnv',
      'getNumberFromEnv',
      'getBooleanFromEnv',
      'diagLogLevelFromString',
      'CompositePropagator',
      'W3CTraceContextPropagator',
      'W3CBaggagePropagator',
    ]),
    trace: pick(sdk, '@opentelemetry/sdk-trace', [
      'BatchSpanProcessor',
      'SimpleSpanProcessor',
      'ConsoleSpanExporter',
    ]),
    logs: pick(sdk, '@opentelemetry/sdk-logs', [
      'BatchLogRecordProcessor',
      'SimpleLogRecordProcessor',
      'ConsoleLogRecordExporter',
    ]),
    dependencyClass: <T>(pkg: string, name: string): T =>
      pick<Record<string, T>>(sdk, pkg, [name])[name] as T,
  };
}
