import type { ZrmDecision, ZrmScope } from '@zrm/core';
import { registerContent, registerParsedBody } from '@zrm/core/adapter';

function accessor(target: object, key: string, onSet: (value: unknown) => void): void {
  let value = (target as Record<string, unknown>)[key];
  if (value !== undefined) onSet(value);
  Object.defineProperty(target, key, {
    configurable: true,
    enumerable: true,
    get: () => value,
    set: (next: unknown) => {
      value = next;
      onSet(next);
    },
  });
}

/**
 * Makes `ctx.request.body` and `ctx.request.rawBody` accessors for the rest of
 * a ZRM request, so what a body parser (`@koa/bodyparser`, `koa-body`)
 * assigns is registered as content the moment it is parsed, and a stateful
 * parameter in the body refuses the request with 400 `zero_retention_unavailable`.
 */
export function taintBodyOnParse(request: object, scope: ZrmScope, decision: ZrmDecision): void {
  accessor(request, 'body', (body) => {
    const refusal = registerParsedBody(body, scope, decision);
    // thrown where the parser assigns the body: out of its `await`, caught by the middleware
    if (refusal !== undefined) throw refusal;
  });
  accessor(request, 'rawBody', (raw) => registerContent(raw, scope));
}
