import type { AuditConfig, FlagRowConfig, ProbeConfig } from './types.js';

/** The probe matrix of a voice API shaped like the one in the design (text-to-speech, speech-to-text, websocket). */
export const VOICE_API_PROBES: readonly ProbeConfig[] = [
  {
    name: 'tts',
    path: '/v1/text-to-speech/{voice_id}',
    body: 'json',
    textField: 'text',
    fields: { model_id: 'eleven_multilingual_v2' },
  },
  {
    name: 'stt',
    path: '/v1/speech-to-text',
    body: 'multipart',
    audioField: 'file',
    fields: { model_id: 'scribe_v1' },
    responseTextField: 'text',
  },
  {
    name: 'tts-ws',
    path: '/v1/text-to-speech/{voice_id}/stream-input?model_id=eleven_multilingual_v2',
    body: 'websocket',
    messages: [{ text: ' ' }, { text: '{{text}} ', try_trigger_generation: true }, { text: '' }],
  },
];

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

/** Everything but the service's URL and the sinks, which only the user knows. */
export function defaultAuditConfig(): AuditConfig {
  return {
    baseUrl: '',
    apiKeyHeader: 'xi-api-key',
    params: { voice_id: '21m00Tcm4TlvDq8ikWAM' },
    probes: structuredClone([...VOICE_API_PROBES]),
    flagProbe: 'tts',
    flagRows: structuredClone([...FLAG_TABLE_ROWS]),
    logFiles: [],
    stdoutFiles: [],
    tempDirs: [],
    otlp: { host: '127.0.0.1', port: 4318, signals: ['traces'] },
    historyApi: {
      listPath: '/v1/history?page_size=1000',
      idKey: 'history_item_id',
      itemPaths: ['/v1/history/{id}'],
      maxItems: 200,
    },
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
