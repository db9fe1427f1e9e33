export { ZeroRetentionSpanProcessor } from './span-processor.js';
export { ZeroRetentionSpanExporter } from './span-exporter.js';
export { ZeroRetentionLogRecordProcessor } from './log-record-processor.js';
export { ZeroRetentionPropagator } from './propagator.js';
export { createZeroRetentionMetrics } from './metrics.js';
export { markTraceZeroRetention } from './mark-trace.js';
export { isPropagatedZeroRetention } from './propagated.js';
export { ZERO_RETENTION_ATTRIBUTE } from './marker.js';
export type {
  ZeroRetentionMetrics,
  ZeroRetentionMetricsOptions,
  ZeroRetentionOtelOptions,
  ZeroRetentionPropagatorOptions,
  ZrmExportResult,
  ZrmLogRecord,
  ZrmLogRecordProcessor,
  ZrmOtelError,
  ZrmReadableSpan,
  ZrmSpanExporter,
  ZrmSpanProcessor,
  ZrmTimedEvent,
} from './types.js';
