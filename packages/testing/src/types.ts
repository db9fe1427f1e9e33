/** A unique marker string sent as request text, transcript or prompt. */
export interface TextCanary {
  readonly kind: 'text';
  /** Human label (which probe sent it); part of `value`. */
  readonly label: string;
  /** The full text to send. */
  readonly value: string;
  /** Windows of the random part, each `fragmentLength` long: a sink holding one of them kept part of the text. */
  readonly fragments: readonly string[];
}

/** A unique byte pattern inside a small WAV file, sent as an upload. */
export interface AudioCanary {
  readonly kind: 'audio';
  readonly label: string;
  /** A playable 16-bit mono WAV whose samples repeat `marker`. */
  readonly bytes: Uint8Array;
  /** The random byte pattern searched for (it repeats through `bytes`). */
  readonly marker: Uint8Array;
}

export type Canary = TextCanary | AudioCanary;

export interface CanaryOptions {
  kind?: 'text' | 'audio';
  /** Short label, letters, digits and `-` only; default `canary`. */
  label?: string;
  /** Text canaries: length of the fragments searched for; default 16 (the core's taint fragment length). */
  fragmentLength?: number;
  /** Audio canaries: length of the random marker in bytes; default 24. */
  markerBytes?: number;
  /** Audio canaries: how many times the marker repeats; default 16. */
  repeats?: number;
}

/** How a canary was found. */
export type CanaryForm =
  | 'plain'
  | 'json-escaped'
  | 'url-encoded'
  | 'base64'
  | 'base64url'
  | 'hex'
  | 'fragment'
  | 'bytes'
  | 'byte-list';

export interface CanaryHit {
  /** The canary's label. */
  readonly label: string;
  readonly canary: Canary;
  readonly form: CanaryForm;
  /** Name of the chunk it was found in (file path, OTLP request, …), when the haystack names its chunks. */
  readonly source: string;
  /** Byte offset of the match within that chunk's bytes (or its decoded text for text forms). */
  readonly offset: number;
}

/** One named piece of captured data. */
export interface CapturedChunk {
  readonly source: string;
  readonly data: string | Uint8Array;
}

/** Anything that captured what a sink received. */
export interface CapturedSink {
  readonly name: string;
  chunks(): readonly CapturedChunk[];
}

/** What `findCanaries` searches: text, bytes, captured sinks, plain values, or lists of them. */
export type Haystack =
  | string
  | Uint8Array
  | ArrayBuffer
  | CapturedSink
  | CapturedChunk
  | readonly Haystack[]
  | Record<string, unknown>;

/** A writable destination for pino (or any logger that calls `write(string)`) that keeps every byte. */
export interface StreamCapture extends CapturedSink {
  write(chunk: string | Uint8Array): boolean;
  /** Everything written so far, as UTF-8 text. */
  text(): string;
  /** Every complete line parsed as JSON (lines that are not JSON are skipped). */
  lines(): unknown[];
  clear(): void;
}

/** The result callback of an OpenTelemetry exporter (`{ code: 0 }` is success). */
export type ExportResultCallback = (result: { code: number; error?: Error }) => void;

/** An in-memory span or log-record exporter with the SDK's interface, keeping a plain copy of every item. */
export interface ExporterCapture<Item> extends CapturedSink {
  export(items: Item[], resultCallback: ExportResultCallback): void;
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
  /** Plain copies of the exported items (names, attributes, events, bodies…). */
  readonly items: readonly Record<string, unknown>[];
  clear(): void;
}

export type OtlpSignal = 'traces' | 'logs' | 'metrics';

export interface OtlpRequest {
  readonly signal: OtlpSignal;
  readonly contentType: string;
  readonly contentEncoding: string;
  /** The body exactly as received. */
  readonly raw: Uint8Array;
  /** The body after gzip/deflate decoding (same as `raw` when not encoded or not decodable). */
  readonly body: Uint8Array;
}

export interface OtlpReceiverOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Largest accepted body in bytes; default 64 MiB. */
  maxBodyBytes?: number;
}

export interface OtlpReceiver extends CapturedSink {
  readonly port: number;
  /** `http://host:port` — the OTLP/HTTP endpoint base for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  readonly url: string;
  readonly requests: readonly OtlpRequest[];
  /** The captured requests of one signal, as a sink of its own. */
  signal(signal: OtlpSignal): CapturedSink;
  clear(): void;
  close(): Promise<void>;
}

export interface SentryReceiverOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** The project id in the DSN; default `1`. */
  project?: string;
  /** Largest accepted body in bytes; default 64 MiB. */
  maxBodyBytes?: number;
}

/** One envelope as Sentry's transport sent it: its bytes (decompressed) and its parsed items. */
export interface ReceivedEnvelope {
  readonly path: string;
  /** The body exactly as received. */
  readonly raw: Buffer;
  /** The body after gzip/deflate/br decoding (same as `raw` when not encoded). */
  readonly bytes: Buffer;
  readonly headers: Record<string, unknown>;
  readonly items: readonly { header: Record<string, unknown>; payload: unknown }[];
}

export interface SentryReceiver extends CapturedSink {
  readonly port: number;
  /** A DSN whose envelopes come here: `http://public@127.0.0.1:PORT/1`. */
  readonly dsn: string;
  readonly envelopes: ReceivedEnvelope[];
  clear(): void;
  close(): Promise<void>;
}

export interface DirectoryReadOptions {
  /** Only files modified at or after this time (ms since epoch). */
  since?: number;
  /** Largest number of files read; default 10 000. */
  maxFiles?: number;
  /** Bytes read per file at most; default 64 MiB. */
  maxFileBytes?: number;
  /** Deepest directory level walked; default 8. */
  maxDepth?: number;
}

/** Any SQL client with `query(text)` resolving to `{ rows }`: a pg Client or Pool, PGlite. */
export interface Queryable {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface HistoryTablesOptions {
  /** Tables to dump (`name` or `schema.name`); default every table outside the system schemas. */
  tables?: readonly string[];
  /** Rows read per table at most; default 100 000. */
  maxRows?: number;
}
