import { randomUUID } from 'node:crypto';
import type { ZrmScope } from './scope.js';
import type { RequestWithHeaders } from './decide-request.js';

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * Registers every query value of a ZRM request as content, except the
 * policy's safe (metadata) parameters; with `all`, those too (a refused
 * request's values were not validated, so none of them is trusted metadata).
 */
export function registerQuery(url: string, scope: ZrmScope, all = false): void {
  const q = url.indexOf('?');
  if (q < 0) return;
  const hash = url.indexOf('#', q);
  const safe = scope.policy.safeQueryParams;
  for (const pair of url.slice(q + 1, hash < 0 ? undefined : hash).split('&')) {
    const eq = pair.indexOf('=');
    if (eq < 0) continue;
    const name = decode(pair.slice(0, eq));
    if (!all && name !== undefined && safe.has(name.toLowerCase())) continue;
    const raw = pair.slice(eq + 1);
    scope.register(raw);
    const value = decode(raw);
    if (value !== undefined && value !== raw) scope.register(value);
  }
}

const TOKEN = /^[\w.:-]{1,128}$/;

/** `x-request-id` when it is a short token (an id, not content), else a fresh UUID. */
export function defaultRequestId(req: RequestWithHeaders): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && TOKEN.test(header) ? header : randomUUID();
}
