import type { IncomingMessage, ServerResponse } from 'node:http';
import { definePolicy, redact, type Policy, type ZrmDecision, type ZrmScope } from '@zrm/core';
import {
  createScope,
  decide,
  enforceZeroRetentionHeaders,
  isThenable,
  registerQuery,
  requestIdOf,
  runEmitterInScope,
  whenDecided,
  writeErrorResponse,
} from '@zrm/core/adapter';
import { bindRequest } from './body.js';
import { kScope } from './symbols.js';
import type {
  HttpAdapterOptions,
  HttpHandler,
  HttpRequest,
  ZeroRetentionHttpOptions,
  ZeroRetentionListener,
} from './types.js';

type ScopedRequest = IncomingMessage & { [kScope]?: ZrmScope };
type OnError = NonNullable<HttpAdapterOptions['onError']>;

/** `req` and `res` listeners run in the scope; it ends once the response's `close` listeners ran. */
function open(
  req: ScopedRequest,
  res: ServerResponse,
  decision: ZrmDecision,
  policy: Policy<HttpRequest>,
  requestId: string,
): ZrmScope {
  const scope = createScope({
    zeroRetention: decision.zeroRetention,
    source: decision.source,
    requestId,
    policy,
  });
  req[kScope] = scope;
  bindRequest(req, scope);
  runEmitterInScope(res, scope, { endOn: 'close' });
  return scope;
}

/** A throw or rejection of the handler: a content-free 500 (or a cut response), then `onError`. */
function failed(
  error: unknown,
  req: IncomingMessage,
  res: ServerResponse,
  scope: ZrmScope,
  onError: OnError | undefined,
): void {
  const sent = res.headersSent;
  writeErrorResponse(res, undefined); // 500 internal_error; destroys a response already begun
  if (onError === undefined) return;
  const zeroRetention = scope.zeroRetention;
  try {
    onError(
      {
        status: sent ? res.statusCode : 500,
        requestId: scope.requestId,
        zeroRetention,
        error: zeroRetention ? redact(error, { zeroRetention: true }) : error,
      },
      req,
    );
  } catch {
    // a reporting hook must not crash the server
  }
}

function serve(
  handler: HttpHandler,
  req: IncomingMessage,
  res: ServerResponse,
  url: string,
  scope: ZrmScope,
  onError: OnError | undefined,
): void {
  scope.run(() => {
    if (scope.zeroRetention) {
      enforceZeroRetentionHeaders(res);
      registerQuery(url, scope);
    }
    const fail = (error: unknown): void => failed(error, req, res, scope, onError);
    try {
      const result = handler(req, res);
      if (isThenable(result))
        result.then(undefined, (error: unknown) => scope.run(() => fail(error)));
    } catch (error) {
      fail(error);
    }
  });
}

/** A refused request is answered in a ZRM scope, with every query value registered. */
function refuse(
  req: ScopedRequest,
  res: ServerResponse,
  url: string,
  error: unknown,
  policy: Policy<HttpRequest>,
  id: string,
): void {
  const scope = open(req, res, { zeroRetention: true, source: 'request' }, policy, id);
  scope.run(() => {
    registerQuery(url, scope, true);
    writeErrorResponse(res, error);
  });
}

/**
 * `http.createServer(zeroRetentionHandler(handler, options))`: decides each
 * request's mode at its head from `req.url` (`enable_logging`, stateful
 * parameters in the query, baggage, the policy), answers bad input with a
 * content-free JSON error, and runs `handler` in the request's scope. In ZRM
 * the query values and the body chunks the handler reads are registered as
 * content, and the response carries `Cache-Control: no-store` and
 * `Zero-Retention: enforced`. A synchronous throw or a rejected returned
 * promise is answered with 500 `internal_error` (every mode) and handed to
 * `onError`, redacted in ZRM; nothing is printed by default.
 */
export function zeroRetentionHandler(
  handler: HttpHandler,
  options: ZeroRetentionHttpOptions = {},
): ZeroRetentionListener {
  if (typeof handler !== 'function')
    throw new TypeError('zeroRetentionHandler: handler must be a function');
  const policy = definePolicy<HttpRequest>(options);
  const customId = 'requestId' in options ? options.requestId : undefined;
  const onError = 'onError' in options ? options.onError : undefined;
  if (onError !== undefined && typeof onError !== 'function')
    throw new TypeError('zeroRetentionHandler: onError must be a function');
  return function zeroRetentionListener(req: ScopedRequest, res: ServerResponse): void {
    const url = req.url ?? '/';
    const id = requestIdOf(req, customId);
    whenDecided(
      decide({ moment: 'head', request: req, url, headers: req.headers }, policy),
      (decision) => serve(handler, req, res, url, open(req, res, decision, policy, id), onError),
      (error) => refuse(req, res, url, error, policy, id),
    );
  };
}

/** The scope `zeroRetentionHandler` opened for `req`, if any. */
export function scopeOfRequest(req: IncomingMessage): ZrmScope | undefined {
  return (req as ScopedRequest)[kScope];
}
