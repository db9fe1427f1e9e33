export { createCanary, createTextCanary, createAudioCanary } from './canary.js';
export { findCanaries, containsCanary } from './find-canaries.js';
export { describeHits } from './describe-hits.js';
export { captureStream, capturePino } from './capture-stream.js';
export { captureSpans, captureLogRecords } from './capture-exporters.js';
export { startOtlpReceiver } from './otlp-receiver.js';
export { startSentryReceiver, parseEnvelope } from './sentry-receiver.js';
export { readDirectory, readFileFrom } from './read-directory.js';
export { readHistoryTables, readPostgresTables } from './read-history-tables.js';
export { runAudit } from './audit/run-audit.js';
export { resolveAuditConfig, validateAuditConfig } from './audit/config.js';
export { defaultAuditConfig, FLAG_TABLE_ROWS } from './audit/default-config.js';
export { formatReport } from './audit/format-report.js';
export { formatHtmlReport } from './audit/format-html.js';
export { formatMarkdownReport } from './audit/format-markdown.js';
export { auditMain, EXIT_CODES } from './audit/main.js';
export { AuditError, isAuditError } from './audit/audit-error.js';
export type {
  AudioCanary,
  Canary,
  CanaryForm,
  CanaryHit,
  CanaryOptions,
  CapturedChunk,
  CapturedSink,
  DirectoryReadOptions,
  ExporterCapture,
  ExportResultCallback,
  Haystack,
  HistoryTablesOptions,
  OtlpReceiver,
  OtlpReceiverOptions,
  OtlpRequest,
  OtlpSignal,
  Queryable,
  ReceivedEnvelope,
  SentryReceiver,
  SentryReceiverOptions,
  StreamCapture,
  TextCanary,
} from './types.js';
export type {
  ApiKeyRole,
  AuditConfig,
  AuditReport,
  AuditVerdict,
  AuditVersions,
  AuditWait,
  CanaryClass,
  CanaryEvidence,
  FlagRowConfig,
  FlagRowResult,
  HistoryApiConfig,
  OrdinaryExpectation,
  ProbeBody,
  ProbeConfig,
  ProbeResult,
  SentCanary,
  SinkLeak,
  SinkResult,
  SinkStatus,
} from './audit/types.js';
export type { AuditProgress } from './audit/run-audit.js';
export type { CliIo } from './audit/main.js';
export type { AuditErrorCode } from './audit/audit-error.js';
