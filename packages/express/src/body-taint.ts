import type { ZrmDecision, ZrmScope } from '@zrm/core';
import { registerParsedBody } from '@zrm/core/adapter';

/** Registers a parsed body as content, then asks the decision again: a stateful parameter in it is refused. */
function parsed(body: unknown, scope: ZrmScope, decision: ZrmDecision): void {
  const refusal = registerParsedBody(body, scope, decision);
  // thrown where the body parser assigns `req.body`: Express's body parsers pass it to `next(error)`
  if (refusal !== undefined) throw refusal;
}

/**
 * Makes `req.body` an accessor for the rest of a ZRM request, so whatever a
 * body parser (express.json/text/raw/urlencoded, body-parser 1 and 2) assigns
 * is registered as content the moment it is parsed, and a stateful parameter
 * in it refuses the request with 400 `zero_retention_unavailable`.
 */
export function taintBodyOnParse(req: object, scope: ZrmScope, decision: ZrmDecision): void {
  let body = (req as { body?: unknown }).body;
  if (body !== undefined) parsed(body, scope, decision);
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get: () => body,
    set: (value: unknown) => {
      body = value;
      parsed(value, scope, decision);
    },
  });
}
