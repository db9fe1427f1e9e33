import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  registerQuery,
  defaultRequestId,
  decideRequest,
  createScope,
  definePolicy,
  isZrmError,
  type Policy,
  type ZrmDecision,
  type ZrmScope,
} from '@zrm/core';
import { bindRequestToScope } from './bind-request.js';
import { taintBodyOnParse } from './body-taint.js';
import { guardMultipart } from './multipart-guard.js';
import { enforceZrmHeaders } from './response-headers.js';
import { sendError } from './send-error.js';
import { kScope } from './symbols.js';
import type {
  ZeroRetentionMiddleware,
  ZeroRetentionOptions,
  ZrmNext,
  ZrmRequest,
} from './types.js';

type ScopedRequest = ZrmRequest & { [kScope]?: ZrmScope };

type RequestIdOf = (req: IncomingMessage) => string | undefined;

function requestIdOf(custom: RequestIdOf | undefined, req: IncomingMessage): string {
  if (custom !== undefined) {
    try {
      const id = custom(req);
      if (typeof id === 'string' && id !== '') return id;
    } catch {
      // fall back to the default id
    }
  }
  return defaultRequestId(req);
}

/** Creates the request's scope and keeps it where the adapter's hooks find it. */
function open(
  req: ScopedRequest,
  res: ServerResponse,
  decision: ZrmDecision,
  policy: Policy,
  requestId: string,
) {
  const scope = createScope({
    zeroRetention: decision.zeroRetention,
    source: decision.source,
    requestId,
    policy,
  });
  req[kScope] = scope;
  return scope;
}

function start(
  req: ScopedRequest,
  res: ServerResponse,
  next: ZrmNext,
  url: string,
  scope: ZrmScope,
): void {
  bindRequestToScope(req, res, scope);
  if (!scope.zeroRetention) {
    scope.run(next);
    return;
  }
  scope.run(() => {
    enforceZrmHeaders(res);
    registerQuery(url, scope);
    taintBodyOnParse(req, scope);
    guardMultipart(req, scope);
    next();
  });
}

/** A refused request is answered in a ZRM scope: whatever logs it sees no content. */
function refuse(
  req: ScopedRequest,
  res: ServerResponse,
  url: string,
  error: unknown,
  policy: Policy,
  id: string,
): void {
  const scope = open(req, res, { zeroRetention: true, source: 'request' }, policy, id);
  bindRequestToScope(req, res, scope);
  scope.run(() => {
    registerQuery(url, scope, true);
    if (isZrmError(error)) sendError(res, error.status, error.toJSON());
    else
      sendError(res, 500, {
        error: { code: 'internal_error', message: 'The request could not be processed.' },
      });
  });
}

/**
 * `app.use(zeroRetention(options))`: decides each request's mode from
 * `enable_logging` (raw query), the policy and the principal; answers bad input
 * with a JSON error; runs the rest of the chain in the request's scope.
 */
export function zeroRetention(options: ZeroRetentionOptions = {}): ZeroRetentionMiddleware {
  const policy = definePolicy(options);
  const customId = 'requestId' in options ? options.requestId : undefined;
  return function zeroRetentionMiddleware(
    req: ScopedRequest,
    res: ServerResponse,
    next: ZrmNext,
  ): void {
    const url = req.originalUrl ?? req.url ?? '/';
    const id = requestIdOf(customId, req);
    let decision: ZrmDecision | Promise<ZrmDecision>;
    try {
      decision = decideRequest(req, url, policy);
    } catch (error) {
      refuse(req, res, url, error, policy, id);
      return;
    }
    if (decision instanceof Promise) {
      decision.then(
        (d) => start(req, res, next, url, open(req, res, d, policy, id)),
        (error: unknown) => refuse(req, res, url, error, policy, id),
      );
      return;
    }
    start(req, res, next, url, open(req, res, decision, policy, id));
  };
}

/** The scope the middleware opened for `req`, if any. */
export function scopeOfRequest(req: IncomingMessage): ZrmScope | undefined {
  return (req as ScopedRequest)[kScope];
}
