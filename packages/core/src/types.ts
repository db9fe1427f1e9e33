/** Stable error codes. Each maps to one HTTP status (see `ZrmError`). */
export type ZrmErrorCode =
  | 'invalid_enable_logging'
  | 'zero_retention_not_allowed'
  | 'zero_retention_unavailable'
  | 'zero_retention_provider_not_allowed'
  | 'zero_retention_storage_not_allowed'
  | 'invalid_request'
  | 'not_found'
  | 'internal_error';

/** Why a scope is (or is not) in Zero Retention Mode. */
export type ZrmSource =
  'default' | 'request' | 'policy' | 'propagated' | 'inherited' | 'message' | 'explicit';

export interface ScopeInit {
  zeroRetention: boolean;
  requestId?: string | undefined;
  source?: ZrmSource;
  /** A policy object or the options of one; defaults to the process default policy. */
  policy?: Policy | PolicyOptions | undefined;
}

/** Content-free counters of one scope. */
export interface ScopeCounters {
  redactedFields: number;
  blockedWrites: number;
  droppedRecords: number;
}

/**
 * A content-free event for metrics: what was done, never to what.
 * `cross-context`: registered content of an in-flight ZRM request was removed
 * from a write made outside that request's ZRM scope (no scope, an ordinary
 * scope, an ended one): the sink and the writing request's id point at code
 * that carries one request's data in another's async context.
 */
export interface RedactionEvent {
  kind: 'redacted' | 'blocked-write' | 'dropped-record' | 'cross-context';
  count: number;
  sink?: string | undefined;
  requestId?: string | undefined;
}

/** Sent to `onRestricted` when a principal asks for ZRM it may not use. */
export interface RestrictionEvent {
  code: 'zero_retention_not_allowed';
  principal: string | undefined;
}

export interface TaintOptions {
  /** A string containing at least this many consecutive characters of a registered value is scrubbed. */
  fragmentLength: number;
  /** Values shorter than this are not tracked by value (too short to tell from ordinary text). */
  minLength: number;
  /** Upper bound, after a scope ends, on how long its registered values stay in memory. */
  graceMs: number;
  /** Index at most this many fragments per value; longer values are sampled with a stride. */
  maxFragmentsPerValue: number;
  /** The same for each text form (base64, hex) of a binary value: audio is large, and leaks whole. */
  maxFragmentsPerBinary: number;
}

/**
 * The request policy callbacks receive when no adapter names its own type.
 * Each adapter's options give the callbacks its framework's request type
 * (`IncomingMessage`, Express's `Request`, `FastifyRequest`, Koa's `Context`,
 * Hono's `Context`).
 */
export type PolicyRequest = unknown;

/**
 * A policy callback of request type `Req`. Declared bivariant (like a method),
 * so a policy made for a framework's request still fits where any policy does.
 */
export type PolicyCallback<Req, Result> = {
  bivariant(req: Req): Result;
}['bivariant'];

export interface PolicyOptions<Req = PolicyRequest> {
  /** Extra keys whose values are content (added to the defaults). Matched case-insensitively. */
  sensitiveKeys?: readonly string[];
  /** Replace the default sensitive keys instead of adding to them. */
  replaceDefaultKeys?: boolean;
  /** Allow-list mode: in ZRM only these keys keep their values (containers are still walked). */
  strict?: false | { allowKeys: readonly string[] };
  /** Query parameters whose values are kept in ZRM URLs (every other value is redacted). */
  safeQueryParams?: readonly string[];
  /** Keys whose string values are URLs; they get query scrubbing in ZRM. */
  urlKeys?: readonly string[];
  taint?: Partial<TaintOptions>;
  /** Largest depth walked by `redact`; deeper values become a placeholder. */
  maxDepth?: number;
  /** Largest number of keys or items kept per object or array. */
  maxWidth?: number;
  /** May this principal use ZRM? Default: yes. */
  /**
   * May this principal use ZRM? Default: yes. Fail closed: only `true` (or a
   * promise of `true`) entitles; anything else, a throw or a rejection refuses.
   */
  entitled?: PolicyCallback<Req, boolean | Promise<boolean>>;
  /** Force ZRM for this request (per agent, tenant or workspace). A throw or rejection means ZRM. */
  force?: PolicyCallback<Req, boolean | Promise<boolean>>;
  /** Who is asking: a tenant or account id, used for `entitled` events. Never content. */
  principal?: PolicyCallback<Req, string | undefined>;
  /** Is a propagated `zrm=1` from this peer honoured? Default: no. Only `true` trusts. */
  trustPropagated?: PolicyCallback<Req, boolean>;
  /** Third-party processors allowed in ZRM. Default: none. */
  providers?: readonly string[];
  /** Request parameters that need retained state; combined with ZRM they are refused. */
  statefulParams?: readonly string[];
  onRestricted?: (event: RestrictionEvent) => void;
  onRedaction?: (event: RedactionEvent) => void;
}

/** A resolved, frozen policy made by `definePolicy`. */
export interface Policy<Req = PolicyRequest> {
  readonly kind: 'zrm.policy';
  readonly sensitiveKeys: ReadonlySet<string>;
  readonly strictAllowKeys: ReadonlySet<string> | undefined;
  readonly safeQueryParams: ReadonlySet<string>;
  readonly urlKeys: ReadonlySet<string>;
  readonly taint: Readonly<TaintOptions>;
  readonly maxDepth: number;
  readonly maxWidth: number;
  readonly providers: ReadonlySet<string>;
  readonly statefulParams: readonly string[];
  readonly entitled: PolicyCallback<Req, boolean | Promise<boolean>> | undefined;
  readonly force: PolicyCallback<Req, boolean | Promise<boolean>> | undefined;
  readonly principal: PolicyCallback<Req, string | undefined> | undefined;
  readonly trustPropagated: PolicyCallback<Req, boolean> | undefined;
  readonly onRestricted: ((event: RestrictionEvent) => void) | undefined;
  readonly onRedaction: ((event: RedactionEvent) => void) | undefined;
}

/** What an adapter found in a request, for `resolveZeroRetention`. */
export interface ZrmSignals {
  /** Every raw value of `enable_logging` in the request, in order (query, then body or message). */
  enableLogging?: readonly string[] | string | undefined;
  /** Result of the policy's `force(req)`. */
  forced?: boolean;
  /** Result of the policy's `entitled(req)`; `false` refuses a ZRM request. Default: entitled. */
  entitled?: boolean;
  /** The request carried a propagated `zrm=1` (W3C baggage). */
  propagated?: boolean;
  /** The peer that propagated it is trusted by the policy. */
  propagatedTrusted?: boolean;
  /** Names of stateful parameters present in the request. */
  statefulParams?: readonly string[];
  /** Principal for the `onRestricted` event. */
  principal?: string | undefined;
}

export interface ZrmDecision {
  zeroRetention: boolean;
  source: ZrmSource;
}

export interface RedactOptions {
  /** Redact as if in (or not in) ZRM, whatever the current scope says. */
  zeroRetention?: boolean;
  /** Use this policy instead of the current scope's. */
  policy?: Policy;
  /** The sink the value is for, named in `cross-context` events (e.g. `'pino'`, `'otel.span'`). */
  sink?: string;
}

/** What a sink (a logger, the console guard) keeps of message strings in ZRM. */
export interface MessageOptions {
  /**
   * What a ZRM record keeps of a bare message string (one logged without
   * interpolation arguments), which cannot be told from content: `'redact'`
   * (default, fail closed) replaces it unless it is one of `safeMessages`;
   * `'keep'` keeps it, scrubbed of registered content only. Format strings
   * used with arguments are code: always kept (scrubbed), their string
   * arguments replaced.
   */
  messages?: 'redact' | 'keep';
  /**
   * Bare messages kept as they are in ZRM records. Default: the request event
   * names of pino-http and Fastify (`DEFAULT_SAFE_MESSAGES`). Given, it replaces the default.
   */
  safeMessages?: readonly string[];
}

/** Options of `guardConsole`: the message rules a ZRM write to the console follows. */
export type ConsoleGuardOptions = MessageOptions;
