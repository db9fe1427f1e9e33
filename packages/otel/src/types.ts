import type {
  Attributes,
  Context,
  HrTime,
  Link,
  Meter,
  SpanContext,
  SpanKind,
  SpanStatus,
} from '@opentelemetry/api';
import type { Policy, PolicyOptions, RedactionEvent } from '@zrm/core';

/**
 * The fields of the SDK's `ReadableSpan` that zrm reads or rewrites. Declared
 * structurally so that any SDK whose spans have this shape (2.x, 3.x) works.
 */
export interface ZrmReadableSpan {
  readonly name: string;
  readonly kind: SpanKind;
  readonly spanContext: () => SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: ZrmTimedEvent[];
  readonly ended: boolean;
}

/** A span event as the SDK records it. */
export interface ZrmTimedEvent {
  readonly time: HrTime;
  readonly name: string;
  readonly attributes?: Attributes | undefined;
  readonly droppedAttributesCount?: number | undefined;
}

/** The SDK's `SpanProcessor` interface. */
export interface ZrmSpanProcessor<S extends ZrmReadableSpan = ZrmReadableSpan> {
  forceFlush(): Promise<void>;
  onStart(span: S, parentContext: Context): void;
  onEnding?(span: S): void;
  onEnd(span: S): void;
  shutdown(): Promise<void>;
}

/**
 * The result an exporter hands to its callback (`ExportResult` of `@opentelemetry/core`).
 * `error` is `?: Error` exactly as the SDK declares it: with `| undefined`, consumers
 * compiled with `exactOptionalPropertyTypes` could not pass the exporter as a `SpanExporter`.
 */
export interface ZrmExportResult {
  code: number;
  error?: Error;
}

/** The SDK's `SpanExporter` interface. */
export interface ZrmSpanExporter<S extends ZrmReadableSpan = ZrmReadableSpan> {
  export(spans: S[], resultCallback: (result: ZrmExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** The SDK's `ReadWriteLogRecord`: what a log-record processor may change during `onEmit`. */
export interface ZrmLogRecord {
  readonly spanContext?: SpanContext | undefined;
  readonly attributes: Record<string, unknown>;
  readonly body?: unknown;
  readonly eventName?: string | undefined;
  setAttribute(key: string, value?: never): unknown;
  setBody(body: never): unknown;
}

/** The SDK's `LogRecordProcessor` interface. */
export interface ZrmLogRecordProcessor<R extends ZrmLogRecord = ZrmLogRecord> {
  forceFlush(): Promise<void>;
  onEmit(logRecord: R, context?: Context): void;
  shutdown(): Promise<void>;
  enabled?(options: never): boolean;
}

/** Options shared by the processors and the exporter wrapper. */
export interface ZeroRetentionOtelOptions {
  /**
   * Policy used for spans and records of a marked trace when the scope that
   * marked it is not known (propagated ZRM). Default: the process default policy.
   */
  policy?: Policy | PolicyOptions | undefined;
  /** Receives content-free descriptions of internal failures. Default: `diag.error`. */
  onError?: ((error: ZrmOtelError) => void) | undefined;
}

/** A content-free failure report: where it happened and the class of what was thrown. */
export interface ZrmOtelError {
  readonly where: 'span-processor' | 'span-exporter' | 'log-record-processor' | 'propagator';
  readonly action: 'dropped' | 'forward-failed';
  readonly errorType: string;
}

export interface ZeroRetentionPropagatorOptions {
  /**
   * Is an inbound `zrm=1` from the peer that sent this carrier honoured? It
   * must rely on something a client cannot set itself (a header your ingress
   * overwrites, an mTLS identity passed by a sidecar). Default: never.
   */
  trustPeer?: ((carrier: unknown) => boolean) | undefined;
}

export interface ZeroRetentionMetricsOptions {
  /** Meter to record on. Default: `metrics.getMeter('@zrm/otel')` at creation time. */
  meter?: Meter | undefined;
}

/** Content-free counters. Attributes are low-cardinality: a decision source or a sink name. */
export interface ZeroRetentionMetrics {
  /** Pass as the policy's `onRedaction` hook. */
  readonly onRedaction: (event: RedactionEvent) => void;
  /** Stops counting ZRM requests. */
  dispose(): void;
}
