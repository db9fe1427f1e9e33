import type { IncomingMessage, ServerResponse } from 'node:http';
import { definePolicy, isZrmError, type Policy, type ZrmDecision, type ZrmScope } from '@zrm/core';
import {
  decide,
  enforceZeroRetentionHeaders,
  isThenable,
  openRequestScope,
  registerQuery,
  requestIdOf,
  whenDecided,
  writeErrorResponse,
} from '@zrm/core/adapter';
import { taintBodyOnParse } from './body-taint.js';
import { guardMultipart } from './multipart-guard.js';
import { kScope } from './symbols.js';
import type {
  ExpressRequest,
  ZeroRetentionMiddleware,
  ZeroRetentionOptions,
  ZrmNext,
  ZrmRequest,
} from './types.js';

type ScopedRequest = ZrmRequest & { [kScope]?: ZrmScope };

/**
 * Opens the request's scope where the adapter's hooks find it: listeners of
 * `req` (body parsers) and `res` (loggers on `finish`/`close`) run in it, and
 * it ends once the response's `close` listeners have run.
 */
function open(
  req: ScopedRequest,
  res: ServerResponse,
  decision: ZrmDecision,
  policy: Policy<ExpressRequest>,
  requestId: string,
): ZrmScope {
  const scope = openRequestScope(req, res, decision, policy, requestId);
  req[kScope] = scope;
  return scope;
}

function start(
  req: ScopedRequest,
  res: ServerResponse,
  next: ZrmNext,
  url: string,
  scope: ZrmScope,
  decision: ZrmDecision,
): void {
  if (!scope.zeroRetention) {
    scope.run(next);
    return;
  }
  scope.run(() => {
    enforceZeroRetentionHeaders(res);
    registerQuery(url, scope);
    taintBodyOnParse(req, scope, decision);
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
  policy: Policy<ExpressRequest>,
  id: string,
): void {
  const scope = open(req, res, { zeroRetention: true, source: 'request' }, policy, id);
  scope.run(() => {
    registerQuery(url, scope, true);
    writeErrorResponse(res, error);
  });
}

/**
 * `app.use(zeroRetention(options))`: decides each request's mode from
 * `enable_logging` (raw query), the policy and the principal; answers bad input
 * with a JSON error; runs the rest of the chain in the request's scope. A
 * stateful parameter in the parsed body of a ZRM request is refused too (the
 * body parser passes the `ZrmError` to the error handler).
 */
export function zeroRetention(options: ZeroRetentionOptions = {}): ZeroRetentionMiddleware {
  const policy = definePolicy<ExpressRequest>(options);
  const customId = 'requestId' in options ? options.requestId : undefined;
  return function zeroRetentionMiddleware(
    req: ScopedRequest,
    res: ServerResponse,
    next: ZrmNext,
  ): void {
    const url = req.originalUrl ?? req.url ?? '/';
    const id = requestIdOf(req as ExpressRequest, customId);
    const decided = decide(
      { moment: 'head', request: req as ExpressRequest, url, headers: req.headers },
      policy,
    );
    // decided at once (every request without an asynchronous policy answer): no callbacks to allocate
    if (!isThenable(decided) && !isZrmError(decided)) {
      start(req, res, next, url, open(req, res, decided, policy, id), decided);
      return;
    }
    whenDecided(
      decided,
      (decision) => start(req, res, next, url, open(req, res, decision, policy, id), decision),
      (error) => refuse(req, res, url, error, policy, id),
    );
  };
}

/** The scope the middleware opened for `req`, if any. */
export function scopeOfRequest(req: IncomingMessage): ZrmScope | undefined {
  return (req as ScopedRequest)[kScope];
}
