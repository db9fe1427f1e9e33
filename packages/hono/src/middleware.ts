import { definePolicy, isZrmError, type Policy, type ZrmDecision, type ZrmScope } from '@zrm/core';
import {
  createScope,
  decide,
  errorResponse,
  registerQuery,
  requestIdOf,
  runEmitterInScope,
  whenDecided,
  type EmitterLike,
} from '@zrm/core/adapter';
import type { Context, Next } from 'hono';
import { registerBodyOnParse } from './body.js';
import { setZrmHeaders } from './response-headers.js';
import type { HonoRequest, ZeroRetentionMiddleware, ZeroRetentionOptions } from './types.js';

const kScope = Symbol('@zrm/hono.scope');
type ScopedContext = Context & { [kScope]?: ZrmScope };

/** The request target (`/path?query`) of a full request URL. */
function targetOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2);
  return start < 0 ? '/' : url.slice(start);
}

/** The Node response on `@hono/node-server` (`c.env.outgoing`); undefined on other runtimes. */
function nodeResponseOf(c: Context): EmitterLike | undefined {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  return typeof (outgoing as EmitterLike | undefined)?.emit === 'function'
    ? (outgoing as EmitterLike)
    : undefined;
}

/**
 * Opens the request's scope. On `@hono/node-server` every listener of the
 * Node response runs in it and it ends once the response's `close`
 * listeners ran; elsewhere `ends` is true and the caller ends it when the chain settles.
 */
function open(
  c: ScopedContext,
  decision: ZrmDecision,
  policy: Policy<HonoRequest>,
  requestId: string,
): { scope: ZrmScope; ends: boolean } {
  const scope = createScope({ ...decision, requestId, policy });
  c[kScope] = scope;
  c.set('zeroRetention', scope.zeroRetention);
  const outgoing = nodeResponseOf(c);
  if (outgoing !== undefined) runEmitterInScope(outgoing, scope, { endOn: 'close' });
  return { scope, ends: outgoing === undefined };
}

async function run(
  c: ScopedContext,
  next: Next,
  url: string,
  decision: ZrmDecision,
  policy: Policy<HonoRequest>,
  id: string,
): Promise<void> {
  const { scope, ends } = open(c, decision, policy, id);
  try {
    if (!scope.zeroRetention) {
      await scope.run(next);
      return;
    }
    await scope.run(() => {
      registerQuery(url, scope);
      registerBodyOnParse(c.req, scope, decision);
      setZrmHeaders(c);
      return next();
    });
    // a refusal by the body moment: the reader rejected with it, whatever onError made of it
    if (isZrmError(c.error)) {
      const { status, text, headers } = errorResponse(c.error);
      c.res = new Response(text, { status, headers });
    }
    setZrmHeaders(c);
  } finally {
    if (ends) scope.end();
  }
}

/** A refused request is answered in a ZRM scope, every query value registered. */
function refuse(
  c: ScopedContext,
  url: string,
  error: unknown,
  policy: Policy<HonoRequest>,
  id: string,
): Response {
  const { scope, ends } = open(c, { zeroRetention: true, source: 'request' }, policy, id);
  try {
    return scope.run(() => {
      registerQuery(url, scope, true);
      const { status, text, headers } = errorResponse(error);
      return new Response(text, { status, headers });
    });
  } finally {
    if (ends) scope.end();
  }
}

/**
 * `app.use(zeroRetention(options))`, first: decides each request's mode from
 * `enable_logging` (the raw query of `c.req.url`), the policy and trusted
 * baggage; answers bad input with a content-free JSON error; runs the rest of
 * the chain in the request's scope (`c.get('zeroRetention')` is true in
 * ZRM). In ZRM the query values and whatever `c.req` parses are registered as
 * content, and a stateful parameter in a parsed body is refused (400).
 */
export function zeroRetention(options: ZeroRetentionOptions = {}): ZeroRetentionMiddleware {
  const policy = definePolicy<HonoRequest>(options);
  const customId = 'requestId' in options ? options.requestId : undefined;
  return function zeroRetentionMiddleware(c: ScopedContext, next: Next): Promise<Response | void> {
    const url = targetOf(c.req.url);
    const id = requestIdOf(
      { headers: { 'x-request-id': c.req.header('x-request-id') } },
      customId === undefined ? undefined : () => customId(c),
    );
    const decided = decide(
      { moment: 'head', request: c, url, headers: { baggage: c.req.header('baggage') } },
      policy,
    );
    return new Promise<Response | void>((resolve, reject) =>
      whenDecided(
        decided,
        (decision) => void run(c, next, url, decision, policy, id).then(resolve, reject),
        (error) => resolve(refuse(c, url, error, policy, id)),
      ),
    );
  };
}

/** The scope the middleware opened for a request, if any. */
export function scopeOfContext(c: Context): ZrmScope | undefined {
  return (c as ScopedContext)[kScope];
}
