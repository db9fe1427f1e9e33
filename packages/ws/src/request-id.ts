// Local copy of the same file in @zrm/express (adapters depend on core only); proposed as a core addition.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const TOKEN = /^[\w.:-]{1,128}$/;

/** `x-request-id` when it is a short token (an id, not content), else a fresh UUID. */
export function defaultRequestId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && TOKEN.test(header) ? header : randomUUID();
}
