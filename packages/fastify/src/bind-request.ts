import type { ZrmScope } from '@zrm/core';
import { registerContent, runEmitterInScope } from '@zrm/core/adapter';
import type { IncomingMessage } from 'node:http';

// JSON bodies are left out: their raw text holds JSON syntax (`"}`), and a registered fragment of it
// would be scrubbed out of the structure of serialized log lines; their values are registered once parsed
const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:xml|x-www-form-urlencoded|graphql))/i;

/**
 * Makes every listener of the raw request (body parsers, multipart, user
 * code) run in the request's scope, which Fastify's body phase would lose.
 * In ZRM, the chunks of a textual (non-JSON) body are registered as they arrive, so a
 * parser error that quotes the raw body is scrubbed wherever it is logged.
 */
export function bindRequest(raw: IncomingMessage, scope: ZrmScope): void {
  if (!scope.zeroRetention || !TEXTUAL.test(raw.headers['content-type'] ?? '')) {
    runEmitterInScope(raw, scope);
    return;
  }
  runEmitterInScope(raw, scope, {
    before(event, args) {
      if (event === 'data' && Buffer.isBuffer(args[0]))
        registerContent(args[0].toString('utf8'), scope);
    },
  });
}
