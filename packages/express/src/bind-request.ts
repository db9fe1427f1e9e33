import type { IncomingMessage, ServerResponse } from 'node:http';
import { currentScope, type ZrmScope } from '@zrm/core';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/** Listeners of `emitter` run in `scope`; an event emitted in it already is passed straight on. */
function emitInScope(emitter: IncomingMessage, scope: ZrmScope): Emit {
  const emit = emitter.emit.bind(emitter) as Emit;
  return function emitInScope(event, ...args): boolean {
    if (currentScope() === scope) return emit(event, ...args);
    return scope.run(() => emit(event, ...args));
  };
}

/**
 * Listeners of `req` (body parsers) and `res` (loggers on `finish`/`close`)
 * run in the request's scope, which ends once the response's `close`
 * listeners have run (response sent, or client gone).
 */
export function bindRequestToScope(
  req: IncomingMessage,
  res: ServerResponse,
  scope: ZrmScope,
): void {
  req.emit = emitInScope(req, scope) as IncomingMessage['emit'];
  const emit = res.emit.bind(res) as Emit;
  res.emit = function emitThenEnd(event, ...args): boolean {
    const handled =
      currentScope() === scope ? emit(event, ...args) : scope.run(() => emit(event, ...args));
    if (event === 'close') scope.end();
    return handled;
  } as Emit as ServerResponse['emit'];
}
