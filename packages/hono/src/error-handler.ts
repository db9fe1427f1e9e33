import { STATUS_CODES } from 'node:http';
import { currentScope, isZrmError, redact, ZrmError } from '@zrm/core';
import { errorResponse } from '@zrm/core/adapter';
import type { Context, ErrorHandler } from 'hono';
import { scopeOfContext } from './middleware.js';
import type { ErrorReport, ZeroRetentionErrorHandlerOptions } from './types.js';

/** An `HTTPException`'s status (or any error's numeric `status`), else 500. */
function statusOf(error: unknown): number {
  let status: unknown;
  try {
    status = (error as { status?: unknown } | null)?.status;
  } catch {
    status = undefined;
  }
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status <= 599
    ? status
    : 500;
}

function defaultReport(report: ErrorReport, c: Context): void {
  const logger = (c.var as { logger?: { error?: (obj: object, msg: string) => void } }).logger;
  if (typeof logger?.error === 'function')
    logger.error({ err: report.error, status: report.status }, 'request failed');
}

/** Hono's own default: an `HTTPException` answers itself, anything else is printed and a 500. */
function honoDefault(error: Error, c: Context): Response | Promise<Response> {
  if ('getResponse' in error && typeof error.getResponse === 'function')
    return (error.getResponse as () => Response)();
  console.error(error);
  return c.text('Internal Server Error', 500);
}

function answer(
  error: Error,
  c: Context,
  zeroRetention: boolean,
  options: ZeroRetentionErrorHandlerOptions,
): Response {
  const status = isZrmError(error) ? error.status : statusOf(error);
  const report: ErrorReport = {
    status,
    error: zeroRetention ? redact(error, { zeroRetention: true }) : error,
  };
  try {
    (options.onError ?? defaultReport)(report, c);
  } catch {
    // a logging hook must not decide the response
  }
  const known = isZrmError(error)
    ? error
    : new ZrmError(
        status < 500 ? 'invalid_request' : 'internal_error',
        `${STATUS_CODES[status] ?? 'Error'}.`,
        {
          status,
        },
      );
  const { text, headers } = errorResponse(known);
  return new Response(text, { status, headers });
}

/**
 * `app.onError(zeroRetentionErrorHandler())`. Hono calls `onError` for every
 * error a handler or middleware throws; its default prints the error with
 * `console.error` (a ZRM error's message and stack are content). This one
 * answers an error of a ZRM request with a content-free JSON body and reports
 * it redacted (`onError`, by default the request's hono-pino logger); a
 * `ZrmError` gets its JSON body in every mode; ordinary errors go to
 * `options.ordinary` (default: what Hono does by default).
 */
export function zeroRetentionErrorHandler(
  options: ZeroRetentionErrorHandlerOptions = {},
): ErrorHandler {
  return function zeroRetentionErrorHandler(error, c) {
    const scope = scopeOfContext(c) ?? currentScope();
    const zeroRetention = scope?.zeroRetention === true;
    if (!zeroRetention && !isZrmError(error)) return (options.ordinary ?? honoDefault)(error, c);
    if (scope === undefined) return answer(error, c, zeroRetention, options);
    return scope.run(() => answer(error, c, zeroRetention, options));
  };
}
