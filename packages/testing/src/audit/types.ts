import type { CanaryForm, OtlpSignal } from '../types.js';

/** Where a probe puts its content. */
export type ProbeBody = 'json' | 'multipart' | 'websocket' | 'none';

/** One endpoint of the service, sent once ordinarily and once with `enable_logging=false`. */
export interface ProbeConfig {
  /** Short name, used in canary labels and the report (letters, digits, `-`). */
  name: string;
  /** Default POST (GET for body `none`); ignored for websockets. */
  method?: string;
  /** Path with `{param}` placeholders filled from `params`; may carry its own query. */
  path: string;
  body: ProbeBody;
  /** JSON key (dot path) or multipart field that gets the text canary. */
  textField?: string;
  /** Query parameter that (also) gets the text canary: the URL itself is then content. */
  textQueryParam?: string;
  /** Multipart file field that gets the audio canary (a WAV file). */
  audioField?: string;
  /** Other JSON keys or multipart fields sent as they are. */
  fields?: Record<string, unknown>;
  /**
   * Websocket messages sent in order, as JSON; the string `{{text}}` inside any value becomes the
   * text canary, `{{audio_base64}}` the audio canary's bytes (a WAV file) in base64.
   */
  messages?: unknown[];
  /**
   * Websocket: the probe closes the connection after the first JSON message whose top-level
   * fields have these values (default `{ "isFinal": true }`), or when the server closes it.
   */
  closeOn?: Record<string, unknown>;
  /**
   * The service's policy forces this endpoint into ZRM (an agent whose Zero Retention Mode is
   * on, say): the request without `enable_logging=false` is a ZRM request too, so its canaries
   * must be in no sink and its answer must say so.
   */
  forcedZeroRetention?: boolean;
  /** JSON response field (dot path) holding derived content (a transcript) that must follow the same rules. */
  responseTextField?: string;
  /** Check `Zero-Retention: enforced` and `Cache-Control: no-store` on the response; default true (false for websockets). */
  checkHeaders?: boolean;
}

/** Which API key a flag row uses. */
export type ApiKeyRole = 'default' | 'unentitled' | 'forced';

/** One row of the DESIGN flag table, sent to the flag probe. */
export interface FlagRowConfig {
  name: string;
  /** Raw query string appended to the flag probe's path (`enable_logging=…`), empty for none. */
  query: string;
  apiKey?: ApiKeyRole;
  expect: {
    status: number;
    /** Expected `error.code` of a 4xx JSON body. */
    code?: string;
    /** Expected mode of a 2xx response (from the `Zero-Retention` header). */
    zeroRetention?: boolean;
  };
}

/**
 * What a sink must hold for the audit to trust it (the positive control):
 * `'all'` every ordinary canary; `'any'` at least one; a list of probe names
 * the ordinary canaries sent to those probes; `'bytes'` at least one byte (a
 * content-free sink such as metrics); `'none'` nothing (scanned for leaks
 * only, may stay empty: a temp dir of a service that keeps uploads in memory).
 */
export type OrdinaryExpectation = 'any' | 'all' | 'bytes' | 'none' | string[];

export interface HistoryApiConfig {
  /** Path of the history list (GET), with its query. */
  listPath: string;
  /** JSON key of an item's id in the list. */
  idKey: string;
  /** Paths fetched for each id found (`{id}` is replaced); e.g. the item and its audio. */
  itemPaths: string[];
  /** Largest number of items fetched (200 when a config file leaves it out). */
  maxItems: number;
}

export interface AuditConfig {
  /** Base URL of the running service, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  /** Sent on every request when given (`--api-key`); no API key otherwise. */
  apiKey?: string;
  /** Header that carries the API key; default `authorization`. */
  apiKeyHeader: string;
  /**
   * Scheme written before the key in that header, `<scheme> <key>`; default
   * `Bearer`; `''` sends the bare key (a vendor header such as `x-api-key`).
   */
  apiKeyScheme: string;
  /** A key whose principal may not use ZRM (enables the 403 row). */
  unentitledApiKey?: string;
  /** A key whose tenant or agent is forced into ZRM (enables the forced row). */
  forcedApiKey?: string;
  /** Values for `{name}` placeholders in paths. */
  params: Record<string, string>;
  /** The endpoints to probe; none by default, and an audit needs at least one. */
  probes: ProbeConfig[];
  /**
   * Name of the probe the flag rows are sent to; `''` (the default) is the
   * first probe not marked `forcedZeroRetention`.
   */
  flagProbe: string;
  flagRows: FlagRowConfig[];
  logFiles: string[];
  /** Files the service's stdout and stderr are written to (the container log pipe). */
  stdoutFiles: string[];
  tempDirs: string[];
  /**
   * The OTLP/HTTP receiver the service exports to; false to skip. `signals`
   * are the ones the service exports: each must show the evidence its
   * `expectOrdinary` names. Data of other signals is still scanned for leaks.
   */
  otlp: false | { host: string; port: number; signals: OtlpSignal[] };
  /**
   * The loopback Sentry ingest the service's DSN points at
   * (`http://public@host:port/1`); false to skip. Its envelopes are one sink, `sentry`.
   */
  sentry: false | { host: string; port: number };
  /** The service's own history API, read for every API key used; false (the default) to skip. */
  historyApi: false | HistoryApiConfig;
  postgres: false | { url: string; tables?: string[] };
  expectOrdinary: {
    logs: OrdinaryExpectation;
    traces: OrdinaryExpectation;
    otlpLogs: OrdinaryExpectation;
    metrics: OrdinaryExpectation;
    history: OrdinaryExpectation;
    temp: OrdinaryExpectation;
    stdout: OrdinaryExpectation;
    sentry: OrdinaryExpectation;
  };
  /**
   * Longest wait after the last probe for every sink's evidence (the ordinary
   * canaries it is expected to hold) to arrive from batching exporters and
   * async writers.
   */
  waitMs: number;
  /** Extra wait once the evidence is in, for late writes of the same batches. */
  settleMs: number;
  /** Per request. */
  timeoutMs: number;
}

/** What an ordinary request's content should do, and what a ZRM or rejected one must not. */
export type CanaryClass = 'ordinary' | 'zrm' | 'rejected';

export interface ProbeResult {
  probe: string;
  mode: CanaryClass;
  /** The closing ordinary request, sent last (see `AuditWait.closing`). */
  closing: boolean;
  request: string;
  status: number;
  zeroRetentionHeader: string | null;
  cacheControl: string | null;
  errorCode: string | null;
  problems: string[];
}

export interface FlagRowResult {
  row: string;
  query: string;
  apiKey: ApiKeyRole;
  expected: FlagRowConfig['expect'];
  status: number;
  code: string | null;
  zeroRetention: boolean;
  ok: boolean;
}

/** Where a canary was found: its form and position, never the content. */
export interface CanaryEvidence {
  /** The canary's label (`tts-ordinary`, `stt-zrm-audio`, `flag-absent`). */
  label: string;
  /** What it is, in words (`tts text`, `stt audio`, `flag row "absent" text`). */
  description: string;
  mode: CanaryClass;
  form: CanaryForm;
  /** The chunk it was found in: a file path, `otlp:traces#3`, `GET /v1/history/…`. */
  source: string;
  /** Byte offset of the match in that chunk. */
  offset: number;
}

/** A canary the audit sent (or read back from an answer), without its content. */
export interface SentCanary {
  label: string;
  description: string;
  mode: CanaryClass;
  kind: 'text' | 'audio';
  /** The probe its request went to (flag rows go to the flag probe). */
  probe: string;
  /** Read from an answer (a transcript): never required anywhere, a leak in ZRM. */
  derived: boolean;
}

/** A ZRM or refused canary found in a sink. */
export type SinkLeak = CanaryEvidence;

/**
 * `ok`: the evidence expected and no leak; `empty`: nothing received where
 * nothing is required; `leak`: ZRM or refused content found; `no-bytes`: a
 * sink asked for received nothing; `missing-ordinary`: it lacks ordinary
 * canaries it is expected to hold.
 */
export type SinkStatus = 'ok' | 'empty' | 'leak' | 'no-bytes' | 'missing-ordinary';

export interface SinkResult {
  sink: string;
  kind: 'log' | 'stdout' | 'otlp' | 'sentry' | 'history' | 'temp';
  /** False for an OTLP signal not listed: scanned for leaks only because the service sent it data. */
  asked: boolean;
  bytes: number;
  expectOrdinary: OrdinaryExpectation;
  /** Ordinary canaries sent (derived content, such as transcripts, not counted). */
  ordinaryTotal: number;
  /** Labels of the ordinary canaries this sink must hold (every one for `all` and `any`: `any` needs one of them). */
  ordinaryExpected: string[];
  /** Labels found, sorted. */
  ordinaryFound: string[];
  /** Labels sent and not found, sorted. */
  ordinaryNotFound: string[];
  /** Where each ordinary canary found was, first hit per canary. */
  evidence: CanaryEvidence[];
  /** ZRM or refused canaries sent; each found one is a leak. */
  restrictedTotal: number;
  leaks: SinkLeak[];
  /** True when the sink holds what its expectation names (always for a sink not asked for). */
  hasEvidence: boolean;
  status: SinkStatus;
  /** OTLP sinks: the instrumentation scopes (`scope.name`) of what arrived, sorted: which instrumentations really reported. */
  scopes?: string[];
}

/** How the audit waited for the sinks' evidence. */
export interface AuditWait {
  /** `evidence`: every sink's expected evidence arrived; `bound`: `waitMs` ran out first; `none`: nothing to wait for. */
  outcome: 'evidence' | 'bound' | 'none';
  waitedMs: number;
  waitMs: number;
  settleMs: number;
  sinks: {
    sink: string;
    /** Ordinary canaries (or, for `bytes`, 1) the audit waited for, and how many arrived. */
    awaited: number;
    arrived: number;
    /** When the last awaited one arrived, after the last probe; null if not all did. */
    completeAfterMs: number | null;
    /** Whether the closing request's canary (sent last) arrived: awaited in log and OTLP sinks only; null elsewhere. */
    closingArrived: boolean | null;
  }[];
}

export interface AuditVersions {
  /** Version of @zrm/testing, which holds zrm-audit. */
  audit: string;
  /** Version of @zrm/core the audit was built with. */
  zrm: string;
  node: string;
}

/** `pass` (exit 0), `fail` (1: a leak or an answer that differs from the design), `inconclusive` (3: no leak, but a sink lacked its evidence). */
export type AuditVerdict = 'pass' | 'fail' | 'inconclusive';

export interface AuditReport {
  target: string;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  versions: AuditVersions;
  verdict: AuditVerdict;
  /** `verdict === 'pass'`. */
  passed: boolean;
  /** The verdict in one sentence, the last line of the text report. */
  summary: string;
  leaks: number;
  /** Probe problems plus flag rows that differ from the design. */
  mismatches: number;
  /** Sinks asked for that lack their evidence. */
  sinksWithoutEvidence: string[];
  wait: AuditWait;
  /** Every canary sent, in order, by label and description. */
  canaries: SentCanary[];
  probes: ProbeResult[];
  flagProbe: string;
  flagRows: FlagRowResult[];
  sinks: SinkResult[];
  /** Content-free notes on what could not be checked, each saying why. */
  notes: string[];
}
