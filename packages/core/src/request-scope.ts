import type { EmitterLike } from './emitter-scope.js';
import { runEmitterInScope } from './emitter-scope.js';
import { isZrmError, type ZrmError } from './errors.js';
import { decide } from './decide.js';
import { registerContent } from './request-content.js';
import { createScope, type ZrmScope } from './scope.js';
import type { Policy, ZrmDecision } from './types.js';

/**
 * Opens the scope of an HTTP request with `decision`: every listener of `req`
 * (a body parser's stream) and `res` (a logger's `finish`/`close`) runs in it,
 * and it ends once the response's `close` listeners have run.
 */
export function openRequestScope<Req>(
  req: EmitterLike,
  res: EmitterLike,
  decision: ZrmDecision,
  policy: Policy<Req>,
  requestId: string,
): ZrmScope {
  const scope = createScope({
    zeroRetention: decision.zeroRetention,
    source: decision.source,
    requestId,
    policy,
  });
  runEmitterInScope(req, scope);
  runEmitterInScope(res, scope, { endOn: 'close' });
  return scope;
}

/**
 * The body moment, where a framework assigns a parsed body: registers it as
 * content of a ZRM scope, then asks `decide` again. Returns the `ZrmError` to
 * refuse the request with (a stateful parameter in the body), else undefined.
 */
export function registerParsedBody(
  body: unknown,
  scope: ZrmScope,
  decision: ZrmDecision,
): ZrmError | undefined {
  registerContent(body, scope);
  const answer = decide({ moment: 'body', current: decision, body }, scope.policy);
  return isZrmError(answer) ? answer : undefined;
}
