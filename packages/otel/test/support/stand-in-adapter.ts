import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  bindEmitterToScope,
  definePolicy,
  markSensitive,
  resolveZeroRetention,
  type ZrmScope,
} from '@zrm/core';
import { createScope, queryValues } from '@zrm/core/adapter';

const policy = definePolicy();

/**
 * What the zrm HTTP adapters do at the start of a request (used while
 * @zrm/express and @zrm/fastify are written): resolve the mode from the raw
 * URL, create the scope in the request's context, register query values as
 * content, end the scope when the response closes. Returns undefined after
 * answering a 400.
 */
export function beginRequest(
  req: IncomingMessage,
  res: ServerResponse,
  options: { bindEmitters: boolean } = { bindEmitters: true },
): ZrmScope | undefined {
  const url = req.url ?? '/';
  let zeroRetention: boolean;
  try {
    zeroRetention = resolveZeroRetention(
      { enableLogging: queryValues(url, 'enable_logging') },
      policy,
    ).zeroRetention;
  } catch (error) {
    const e = error as { status: number; toJSON(): unknown };
    res.writeHead(e.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(e.toJSON()));
    return undefined;
  }
  const scope = createScope({ zeroRetention, source: zeroRetention ? 'request' : 'default' });
  res.on('close', () => scope.end());
  if (zeroRetention) {
    res.setHeader('Zero-Retention', 'enforced');
    res.setHeader('Cache-Control', 'no-store');
    scope.run(() => markSensitive(...queryValues(url, 'text')));
  }
  // body parsers and response hooks run from stream events: keep them in the scope
  if (options.bindEmitters) {
    scope.run(() => {
      bindEmitterToScope(req);
      bindEmitterToScope(res);
    });
  }
  return scope;
}
