import type { PolicyOptions } from '@zrm/core';
import type { Capability } from '../table.js';

/** A request of a row, made concrete by the harness: canaries in place, an id to find its log lines. */
export interface ConformanceRequest {
  /** Sent as `x-request-id`; metadata, never content. */
  id: string;
  /** Values of `enable_logging` as written in a query string (percent-encoding allowed). */
  enableLogging: readonly string[];
  /** The row's other raw query pairs. */
  query: string;
  headers: Readonly<Record<string, string>>;
  /** The row's JSON body fields (for ws: message fields). */
  body: Readonly<Record<string, unknown>>;
  /**
   * Content the handler logs: a driver sends `query` as the query pair
   * `text=…` and `body` as the body (or message) field `text`, where its
   * transport carries them (`Driver.carries`).
   */
  canaries: { readonly query: string; readonly body: string };
}

/** What a driver saw. Fields a transport does not have are `undefined`. */
export interface Observed {
  /** HTTP status of the answer (101 for an accepted websocket upgrade); undefined mid-session. */
  status: number | undefined;
  /** The handler's own view, `isZeroRetention()`, when it ran. */
  mode: 'zrm' | 'ordinary' | undefined;
  /** `code` and `param` of a refusal: the JSON error body, or a 1008 close's reason. */
  code: string | undefined;
  param: string | undefined;
  /** The close code when the connection was closed instead of answering. */
  closeCode: number | undefined;
  /** The raw text of a refusal (body or close reason), to check that it quotes nothing. */
  errorText: string | undefined;
  /** `Zero-Retention` and `Cache-Control` response headers (null: absent; undefined: none to read). */
  zeroRetentionHeader: string | null | undefined;
  cacheControl: string | null | undefined;
}

/** One app of a driver, serving one policy variant on 127.0.0.1:0. */
export interface DriverApp {
  /** Sends the request; resolves once every log line of it was written. */
  send(request: ConformanceRequest): Promise<Observed>;
  /** Every byte the app's logger wrote so far. */
  logText(): string;
  close(): Promise<void>;
}

/**
 * How a transport answers: `http` (status + headers), `upgrade` (a websocket
 * handshake: 101 or a refused upgrade's status) or `message` (an open
 * connection: served, or closed with 1008 and the code as reason).
 */
export type Transport = 'http' | 'upgrade' | 'message';

export interface Driver {
  readonly name: string;
  readonly transport: Transport;
  /** What this transport carries; rows needing anything else are skipped, visibly. */
  readonly supports: ReadonlySet<Capability>;
  /** Which of the request's canaries the driver sends (each is logged by the handler). */
  readonly carries: { readonly query: boolean; readonly body: boolean };
  /**
   * Starts the app with the adapter under `policy`, or without the adapter
   * at all when `policy` is undefined (the positive control).
   */
  start(policy: PolicyOptions | undefined): Promise<DriverApp>;
}
