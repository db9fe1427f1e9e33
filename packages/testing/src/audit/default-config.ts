import type { AuditConfig, FlagRowConfig } from './types.js';

/** The rows of the design's flag table that every service must answer the same way. */
export const FLAG_TABLE_ROWS: readonly FlagRowConfig[] = [
  { name: 'absent', query: '', expect: { status: 200, zeroRetention: false } },
  { name: 'true', query: 'enable_logging=true', expect: { status: 200, zeroRetention: false } },
  { name: 'one', query: 'enable_logging=1', expect: { status: 200, zeroRetention: false } },
  { name: 'false', query: 'enable_logging=false', expect: { status: 200, zeroRetention: true } },
  { name: 'zero', query: 'enable_logging=0', expect: { status: 200, zeroRetention: true } },
  {
    name: 'false-upper',
    query: 'enable_logging=FALSE',
    expect: { status: 200, zeroRetention: true },
  },
  {
    name: 'empty',
    query: 'enable_logging=',
    expect: { status: 400, code: 'invalid_enable_logging' },
  },
  {
    name: 'unknown',
    query: 'enable_logging=maybe',
    expect: { status: 400, code: 'invalid_enable_logging' },
  },
  {
    name: 'disagreeing',
    query: 'enable_logging=false&enable_logging=true',
    expect: { status: 400, code: 'invalid_enable_logging' },
  },
  {
    name: 'not-entitled',
    query: 'enable_logging=false',
    apiKey: 'unentitled',
    expect: { status: 403, code: 'zero_retention_not_allowed' },
  },
  {
    name: 'forced',
    query: 'enable_logging=true',
    apiKey: 'forced',
    expect: { status: 200, zeroRetention: true },
  },
];

/**
 * The generic defaults: everything but the service's URL, its probes and the
 * sinks, which only the user knows. No probes (an audit needs at least one,
 * from `--config`), the flag rows sent to the first probe, an API key (when
 * one is given) sent as `Authorization: Bearer <key>`, no history API.
 */
export function defaultAuditConfig(): AuditConfig {
  return {
    baseUrl: '',
    apiKeyHeader: 'authorization',
    apiKeyScheme: 'Bearer',
    params: {},
    probes: [],
    // '' = the first probe of the matrix (not one forced into ZRM)
    flagProbe: '',
    flagRows: structuredClone([...FLAG_TABLE_ROWS]),
    logFiles: [],
    stdoutFiles: [],
    tempDirs: [],
    otlp: { host: '127.0.0.1', port: 4318, signals: ['traces'] },
    historyApi: false,
    sentry: false,
    postgres: false,
    expectOrdinary: {
      logs: 'any',
      traces: 'any',
      otlpLogs: 'any',
      metrics: 'bytes',
      history: 'any',
      temp: 'none',
      stdout: 'any',
      sentry: 'any',
    },
    // the OpenTelemetry SDK's batch processors export every 5 s (spans) and 1 s (logs):
    // 15 s covers a probe run of several seconds plus a span batch, and a retried export
    waitMs: 15_000,
    settleMs: 1000,
    timeoutMs: 10_000,
  };
}
