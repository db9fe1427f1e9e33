import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  currentScope,
  isZrmError,
  markSensitive,
  redact,
  ZrmError,
  type ZrmScope,
} from '@zrm/core';
import { scopeOfRequest } from './middleware.js';
import { writeErrorResponse } from '@zrm/core/adapter';
import type {
  ErrorReport,
  ZeroRetentionErrorHandler,
  ZeroRetentionErrorHandlerOptions,
  ZrmNext,
} from './types.js';

/** Fields where body parsers (body-parser, raw-body, multer) put the raw input. */
const RAW_FIELDS = ['body', 'rawBody', 'raw'] as const;

function statusOf(error: unknown): number {
  const e = error as { status?: unknown; statusCode?: unknown } | null;
  const status =
    typeof e?.status === 'number'
      ? e.status
      : typeof e?.statusCode === 'number'
        ? e.statusCode
        : 500;
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : 500;
}

function read(error: unknown, key: string): unknown {
  try {
    return (error as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** A parse error carries the input it failed on: register it so no copy of it is logged. */
function registerRawInput(error: unknown): void {
  if (typeof error !== 'object' || error === null) return;
  for (const key of RAW_FIELDS) {
    const value = read(error, key);
    if (typeof value === 'string' || ArrayBuffer.isView(value)) markSensitive(value);
  }
}

function defaultReport(report: ErrorReport, req: IncomingMessage): void {
  const log = (req as { log?: { error?: (obj: object, msg: string) => void } }).log;
  if (typeof log?.error === 'function')
    log.error({ err: report.error, status: report.status }, 'request failed');
}

function answer(
  scope: ZrmScope | undefined,
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  options: ZeroRetentionErrorHandlerOptions,
): void {
  const zeroRetention = scope?.zeroRetention === true;
  if (zeroRetention) registerRawInput(error);
  const status = isZrmError(error) ? error.status : statusOf(error);
  const report: ErrorReport = {
    status,
    requestId: scope?.requestId,
    zeroRetention,
    error: zeroRetention ? redact(error, { zeroRetention: true }) : error,
  };
  try {
    (options.onError ?? defaultReport)(report, req);
  } catch {
    // a logging hook must not decide the response
  }
  const message = `${STATUS_CODES[status] ?? 'Error'}.`;
  writeErrorResponse(
    res,
    isZrmError(error)
      ? error
      : new ZrmError(status < 500 ? 'invalid_request' : 'internal_error', message, { status }),
  );
}

/**
 * `app.use(zeroRetentionErrorHandler())`, after the routes. In ZRM every error
 * is answered with a content-free JSON body and reported redacted (the raw
 * input a body parser attached is registered as content first); `ZrmError`s
 * get their JSON body in every mode; other errors of ordinary requests go on
 * to the app's next error handler untouched.
 */
export function zeroRetentionErrorHandler(
  options: ZeroRetentionErrorHandlerOptions = {},
): ZeroRetentionErrorHandler {
  return function zeroRetentionErrorHandler(
    error: unknown,
    req: IncomingMessage,
    res: ServerResponse,
    next: ZrmNext,
  ): void {
    const scope = scopeOfRequest(req) ?? currentScope();
    if (scope?.zeroRetention !== true && !isZrmError(error)) {
      next(error);
      return;
    }
    if (scope === undefined) answer(undefined, error, req, res, options);
    else scope.run(() => answer(scope, error, req, res, options));
  };
}
