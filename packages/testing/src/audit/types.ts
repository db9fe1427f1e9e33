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

/** 'any': at least one ordinary canary must be found; 'all': every one; 'none': not checked. */
export type OrdinaryExpectation = 'any' | 'all' | 'none';

export interface HistoryApiConfig {
  /** Path of the history list (GET), with its query. */
  listPath: string;
  /** JSON key of an item's id in the list. */
  idKey: string;
  /** Paths fetched for each id found (`{id}` is replaced); e.g. the item and its audio. */
  itemPaths: string[];
  /** Largest number of items fetched. */
  maxItems: number;
}

export interface AuditConfig {
  /** Base URL of the running service, e.g. http://127.0.0.1:3000. */
  baseUrl: string;
  apiKey?: string;
  apiKeyHeader: string;
  /** A key whose principal may not use ZRM (enables the 403 row). */
  unentitledApiKey?: string;
  /** A key whose tenant or agent is forced into ZRM (enables the forced row). */
  forcedApiKey?: string;
  /** Values for `{name}` placeholders in paths. */
  params: Record<string, string>;
  probes: ProbeConfig[];
  /** Name of the probe the flag rows are sent to. */
  flagProbe: string;
  flagRows: FlagRowConfig[];
  logFiles: string[];
  tempDirs: string[];
  /** The OTLP/HTTP receiver the service exports to; false to skip. */
  otlp: false | { host: string; port: number };
  historyApi: false | HistoryApiConfig;
  postgres: false | { url: string; tables?: string[] };
  expectOrdinary: {
    logs: OrdinaryExpectation;
    traces: OrdinaryExpectation;
    otlpLogs: OrdinaryExpectation;
    metrics: OrdinaryExpectation;
    history: OrdinaryExpectation;
    temp: OrdinaryExpectation;
  };
  /** Wait after the last probe, for batching exporters and async writers. */
  settleMs: number;
  /** Per request. */
  timeoutMs: number;
}

/** What an ordinary request's content should do, and what a ZRM or rejected one must not. */
export type CanaryClass = 'ordinary' | 'zrm' | 'rejected';

export interface ProbeResult {
  probe: string;
  mode: CanaryClass;
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

export interface SinkLeak {
  label: string;
  mode: CanaryClass;
  form: string;
  source: string;
}

export type SinkStatus = 'ok' | 'leak' | 'missing-ordinary' | 'leak+missing-ordinary';

export interface SinkResult {
  sink: string;
  bytes: number;
  expectOrdinary: OrdinaryExpectation;
  ordinaryFound: string[];
  ordinaryTotal: number;
  leaks: SinkLeak[];
  status: SinkStatus;
}

export interface AuditReport {
  target: string;
  startedAt: string;
  durationMs: number;
  passed: boolean;
  leaks: number;
  mismatches: number;
  probes: ProbeResult[];
  flagRows: FlagRowResult[];
  sinks: SinkResult[];
  /** Content-free notes on what could not be checked. */
  notes: string[];
}
