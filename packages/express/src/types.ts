import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Policy, PolicyOptions } from '@zrm/core';
import type { Request } from 'express';

/**
 * The request policy callbacks and `requestId` receive: Express's `Request`
 * (from `@types/express`). The middleware runs before the body parsers, so
 * `req.body` is not there yet; headers, `req.query`, `req.get()` are.
 */
export type ExpressRequest = Request;

/** Adapter settings that are not part of the policy. */
export interface ExpressAdapterOptions {
  /**
   * The request id put on the scope (metadata, never content). Default: the
   * `x-request-id` header when it is a short token, else a random UUID.
   */
  requestId?: (req: ExpressRequest) => string | undefined;
}

/** `zeroRetention(options)`: a policy, or the policy's options plus adapter settings. */
export type ZeroRetentionOptions =
  Policy<ExpressRequest> | (PolicyOptions<ExpressRequest> & ExpressAdapterOptions);

/** The request as the middleware sees it: Express 4 and 5 requests both fit. */
export type ZrmRequest = IncomingMessage & { originalUrl?: string };

/** Connect-style `next`: Express's `NextFunction` fits. */
export type ZrmNext = (error?: unknown) => void;

/** The middleware, typed against Node's request and response so it fits Express 4 and 5. */
export type ZeroRetentionMiddleware = (req: ZrmRequest, res: ServerResponse, next: ZrmNext) => void;

/** A content-free error record handed to `onError` (already redacted in ZRM). */
export interface ErrorReport {
  status: number;
  requestId: string | undefined;
  zeroRetention: boolean;
  error: unknown;
}

export interface ZeroRetentionErrorHandlerOptions {
  /**
   * Called with every error the handler answers, before the response is sent.
   * In ZRM `report.error` is a redacted copy; the default logs it with
   * `req.log.error` when pino-http (or any `req.log`) is present.
   */
  onError?: (report: ErrorReport, req: IncomingMessage) => void;
}

/** The error handler: four parameters, so Express recognises it as one. */
export type ZeroRetentionErrorHandler = (
  error: unknown,
  req: ZrmRequest,
  res: ServerResponse,
  next: ZrmNext,
) => void;
