import type { Policy, PolicyOptions } from '@zrm/core';
import type { Context, MiddlewareHandler } from 'hono';

/**
 * The request policy callbacks and `requestId` receive: Hono's `Context`
 * (`c.req.header('x-plan')`, `c.req.query('…')`, `c.env`). They run before
 * the handler, so no body has been parsed yet.
 */
export type HonoRequest = Context;

/** Adapter settings that are not part of the policy. */
export interface HonoAdapterOptions {
  /**
   * The request id put on the scope (metadata, never content). Default: the
   * `x-request-id` header when it is a short token, else a random UUID.
   */
  requestId?: (c: HonoRequest) => string | undefined;
}

/** `zeroRetention(options)`: a policy, or the policy's options plus adapter settings. */
export type ZeroRetentionOptions =
  Policy<HonoRequest> | (PolicyOptions<HonoRequest> & HonoAdapterOptions);

/** What the middleware sets on the context: `c.get('zeroRetention')` is `true` in ZRM. */
export interface ZeroRetentionVariables {
  zeroRetention: boolean;
}

/** The middleware: `app.use(zeroRetention())`. */
export type ZeroRetentionMiddleware = MiddlewareHandler<{ Variables: ZeroRetentionVariables }>;

/**
 * What `onError` receives: the status answered and the error, a redacted copy
 * in ZRM (the mode and request id are on the context: `c.get('zeroRetention')`,
 * `scopeOfContext(c)?.requestId`).
 */
export interface ErrorReport {
  status: number;
  error: unknown;
}

export interface ZeroRetentionErrorHandlerOptions {
  /**
   * Called with every error of a ZRM request (and every `ZrmError`) before the
   * answer is made. In ZRM `report.error` is a redacted copy. Default: logs it
   * with `c.get('logger').error(…)` when a logger is there (hono-pino), else nothing.
   */
  onError?: (report: ErrorReport, c: Context) => void;
  /**
   * Answers the errors of ordinary requests. Default: Hono's own default
   * (an `HTTPException`'s response, else `console.error(err)` and a 500 text).
   */
  ordinary?: (error: Error, c: Context) => Response | Promise<Response>;
}

declare module 'hono' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- Hono's own middlewares augment the map this way
  interface ContextVariableMap extends ZeroRetentionVariables {}
}
