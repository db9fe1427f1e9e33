import type { IncomingMessage, ServerResponse } from 'node:http';
import { bindEmitterToScope, type ZrmScope } from '@zrm/core';

type Emit = (event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Listeners of `req` (body parsers) and `res` (loggers on `finish`/`close`)
 * run in the request's scope, which ends once the response's `close`
 * listeners have run (response sent, or client gone). Call inside `scope.run`.
 */
export function bindRequestToScope(
  req: IncomingMessage,
  res: ServerResponse,
  scope: ZrmScope,
): void {
  bindEmitterToScope(req);
  bindEmitterToScope(res);
  const emit = res.emit.bind(res) as Emit;
  res.emit = (event: string | symbol, ...args: unknown[]): boolean => {
    const handled = emit(event, ...args);
    if (event === 'close') scope.end();
    return handled;
  };
}
