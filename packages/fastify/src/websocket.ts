import { markSensitive } from '@zrm/core';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { scopeOf } from './request-state.js';

function registerFrame(data: unknown, isBinary: unknown): void {
  const chunks = Array.isArray(data) ? (data as unknown[]) : [data];
  for (const chunk of chunks) {
    if (isBinary === true || !Buffer.isBuffer(chunk)) markSensitive(chunk);
    else markSensitive(chunk.toString('utf8'));
  }
}

/**
 * A websocket accepted on a Fastify route (`@fastify/websocket`): every
 * listener of the socket runs in the upgrade request's scope, received frames
 * of a ZRM connection are registered as content, and the scope ends when the
 * socket closes.
 */
export function bindWebSocket(socket: EventEmitter, raw: IncomingMessage): void {
  const scope = scopeOf(raw);
  if (scope === undefined) return;
  const emit = socket.emit.bind(socket);
  const zeroRetention = scope.zeroRetention;
  socket.emit = function emitInScope(
    this: EventEmitter,
    event: string | symbol,
    ...args: unknown[]
  ): boolean {
    return scope.run(() => {
      if (zeroRetention && event === 'message') registerFrame(args[0], args[1]);
      const handled = emit(event, ...args);
      if (event === 'close') scope.end();
      return handled;
    });
  };
}
