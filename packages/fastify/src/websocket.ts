import { registerContent, runEmitterInScope } from '@zrm/core/adapter';
import type { ZrmScope } from '@zrm/core';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { scopeOf } from './request-state.js';

function registerFrame(data: unknown, isBinary: unknown, scope: ZrmScope): void {
  const chunks = Array.isArray(data) ? (data as unknown[]) : [data];
  for (const chunk of chunks) {
    registerContent(
      isBinary === true || !Buffer.isBuffer(chunk) ? chunk : chunk.toString('utf8'),
      scope,
    );
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
  runEmitterInScope(socket, scope, {
    endOn: 'close',
    before: scope.zeroRetention
      ? (event, args) => {
          if (event === 'message') registerFrame(args[0], args[1], scope);
        }
      : undefined,
  });
}
