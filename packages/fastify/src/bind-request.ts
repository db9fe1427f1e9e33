import { currentScope, markSensitive, type ZrmScope } from '@zrm/core';
import type { IncomingMessage } from 'node:http';

// JSON bodies are left out: their raw text holds JSON syntax (`"}`), and a registered fragment of it
// would be scrubbed out of the structure of serialized log lines; their values are registered once parsed
const TEXTUAL = /^(?:text\/|application\/(?:[\w.+-]*\+)?(?:xml|x-www-form-urlencoded|graphql))/i;

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Makes every listener of the raw request (body parsers, multipart, user
 * code) run in the request's scope, which Fastify's body phase would lose.
 * In ZRM, the chunks of a textual (non-JSON) body are registered as they arrive, so a
 * parser error that quotes the raw body is scrubbed wherever it is logged.
 */
export function bindRequest(raw: IncomingMessage, scope: ZrmScope): void {
  const emit = raw.emit.bind(raw) as Emit;
  if (scope.zeroRetention && TEXTUAL.test(raw.headers['content-type'] ?? '')) {
    raw.emit = function emitRegistering(event, ...args): boolean {
      return scope.run(() => {
        if (event === 'data' && Buffer.isBuffer(args[0])) markSensitive(args[0].toString('utf8'));
        return emit(event, ...args);
      });
    } as Emit;
    return;
  }
  raw.emit = function emitInScope(event, ...args): boolean {
    if (currentScope() === scope) return emit(event, ...args);
    return scope.run(() => emit(event, ...args));
  } as Emit;
}
