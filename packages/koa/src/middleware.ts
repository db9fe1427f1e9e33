import { definePolicy, type Policy, type ZrmDecision, type ZrmScope } from '@zrm/core';
import {
  decide,
  openRequestScope,
  registerQuery,
  requestIdOf,
  whenDecided,
} from '@zrm/core/adapter';
import type { Next } from 'koa';
import { taintBodyOnParse } from './body-taint.js';
import { answerError, emitRedacted } from './error-answer.js';
import type { KoaContext, ZeroRetentionKoaOptions, ZeroRetentionMiddleware } from './types.js';

/** Opens the request's scope (`ctx.req`/`ctx.res` listeners run in it) and marks `ctx.state`. */
function open(
  ctx: KoaContext,
  decision: ZrmDecision,
  policy: Policy<KoaContext>,
  requestId: string,
): ZrmScope {
  const scope = openRequestScope(ctx.req, ctx.res, decision, policy, requestId);
  ctx.state.zeroRetention = scope.zeroRetention;
  return scope;
}

function markResponse(ctx: KoaContext): void {
  if (ctx.headerSent) return;
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Zero-Retention', 'enforced');
}

/**
 * The rest of a ZRM request, in its scope: an error thrown downstream (the
 * body moment's refusal, a handler's error) is answered content-free here,
 * never by Koa's `ctx.onerror`, and the app hears a redacted copy of it.
 */
async function serveZeroRetention(
  ctx: KoaContext,
  next: Next,
  url: string,
  scope: ZrmScope,
  decision: ZrmDecision,
): Promise<void> {
  markResponse(ctx);
  registerQuery(url, scope);
  taintBodyOnParse(ctx.request, scope, decision);
  try {
    await next();
  } catch (error) {
    answerError(ctx, error);
    emitRedacted(ctx, error);
    return;
  }
  // after the handlers: whatever they set, the response is not cached
  markResponse(ctx);
}

/** A refused request is answered in a ZRM scope: whatever logs it sees no content. */
function refuse(
  ctx: KoaContext,
  url: string,
  error: unknown,
  policy: Policy<KoaContext>,
  id: string,
): void {
  const scope = open(ctx, { zeroRetention: true, source: 'request' }, policy, id);
  scope.run(() => {
    registerQuery(url, scope, true);
    answerError(ctx, error);
  });
}

/**
 * `app.use(zeroRetention(options))`: decides each request's mode from
 * `enable_logging` (raw query), the policy and the principal, answers bad
 * input with a JSON error, and runs `await next()` in the request's scope. In
 * ZRM a stateful parameter in the parsed body is refused with 400, and errors
 * of downstream middleware are answered content-free.
 */
export function zeroRetention(options: ZeroRetentionKoaOptions = {}): ZeroRetentionMiddleware {
  const policy = definePolicy<KoaContext>(options);
  const customId = 'requestId' in options ? options.requestId : undefined;
  return function zeroRetentionMiddleware(ctx: KoaContext, next: Next): Promise<void> {
    const url = ctx.originalUrl;
    const id = requestIdOf(ctx, customId);
    const decided = decide({ moment: 'head', request: ctx, url, headers: ctx.headers }, policy);
    return new Promise<void>((resolve, reject) => {
      whenDecided(
        decided,
        (decision) => {
          const scope = open(ctx, decision, policy, id);
          const served = scope.zeroRetention
            ? scope.run(() => serveZeroRetention(ctx, next, url, scope, decision))
            : scope.run(() => next());
          served.then(() => resolve(), reject);
        },
        (error) => {
          refuse(ctx, url, error, policy, id);
          resolve();
        },
      );
    });
  };
}
