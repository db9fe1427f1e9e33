import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Policy, PolicyOptions } from '@zrm/core';

/**
 * The request policy callbacks and `requestId` receive: Node's
 * `IncomingMessage`, before the handler has read any of its body (headers,
 * `req.url`, `req.method`, `req.socket` are there).
 */
export type HttpRequest = IncomingMessage;

/** A plain `node:http` (or `node:https`) request listener; it may return a promise. */
export type HttpHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

/** What `zeroRetentionHandler` returns: a listener for `http.createServer`. */
export type ZeroRetentionListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A content-free record of an error the handler threw or rejected with (redacted in ZRM). */
export interface ErrorReport {
  /** The status answered (500), or the status already sent when the response had begun. */
  status: number;
  requestId: string | undefined;
  zeroRetention: boolean;
  /** In ZRM a redacted copy (`redact(error, { zeroRetention: true })`); else the error itself. */
  error: unknown;
}

/** Adapter settings that are not part of the policy. */
export interface HttpAdapterOptions {
  /**
   * The request id put on the scope (metadata, never content). Default: the
   * `x-request-id` header when it is a short token, else a random UUID.
   */
  requestId?: (req: HttpRequest) => string | undefined;
  /**
   * Called, in the request's scope, with every error the handler throws
   * synchronously or rejects a returned promise with, after the 500 answer
   * is written. Default: nothing is printed.
   */
  onError?: (report: ErrorReport, req: HttpRequest) => void;
}

/** `zeroRetentionHandler(handler, options)`: a policy, or the policy's options plus adapter settings. */
export type ZeroRetentionHttpOptions =
  Policy<HttpRequest> | (PolicyOptions<HttpRequest> & HttpAdapterOptions);
