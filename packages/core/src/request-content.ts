import { randomUUID } from 'node:crypto';
import { decodeComponent } from './decode.js';
import { registerValue } from './mark-sensitive.js';
import { isSensitiveKey } from './sensitive-keys.js';
import type { ZrmScope } from './scope.js';

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
    const name = decodeComponent(pair.slice(0, eq));
    if (!all && name !== undefined && safe.has(name.toLowerCase())) continue;
    const raw = pair.slice(eq + 1);
    scope.register(raw);
    const value = decodeComponent(raw);
    if (value !== undefined && value !== raw) scope.register(value);
  }
}

const TOKEN = /^[\w.:-]{1,128}$/;

/** What `requestIdOf` reads: a request's headers (every Node-based framework's request fits). */
export interface RequestWithHeaders {
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** `x-request-id` when it is a short token (an id, not content), else a fresh UUID. */
export function defaultRequestId(req: RequestWithHeaders): string {
  const header = req.headers['x-request-id'];
  return typeof header === 'string' && TOKEN.test(header) ? header : randomUUID();
}

/**
 * The request id put on a scope: the adapter option's `custom(req)` when it
 * returns a non-empty string (a throw falls back), else `defaultRequestId`.
 */
export function requestIdOf<Req extends RequestWithHeaders>(
  req: Req,
  custom?: (req: Req) => string | undefined,
): string {
  if (custom !== undefined) {
    try {
      const id = custom(req);
      if (typeof id === 'string' && id !== '') return id;
    } catch {
      // fall back to the default id
    }
  }
  return defaultRequestId(req);
}

function walk(value: unknown, scope: ZrmScope, content: boolean, depth: number): void {
  if (typeof value === 'string') {
    if (content) scope.register(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth > scope.policy.maxDepth) return;
  if (registerValue(scope, value)) return; // binary: by its bytes
  const width = scope.policy.maxWidth;
  if (Array.isArray(value)) {
    const items: readonly unknown[] = value;
    for (let i = 0; i < items.length && i < width; i++) walk(items[i], scope, content, depth + 1);
    return;
  }
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length && i < width; i++) {
    const key = keys[i] as string;
    const inner = content || isSensitiveKey(key, scope.policy);
    walk((value as Record<string, unknown>)[key], scope, inner, depth + 1);
  }
}

/**
 * Registers what a request or message carries as content of a ZRM scope: a
 * string whole, binary values by their bytes, and in objects (a parsed JSON
 * body or frame) every string under a sensitive key, at any depth. Never
 * throws: a hostile value (a throwing getter) is still redacted by key and
 * type wherever it is logged.
 */
export function registerContent(value: unknown, scope: ZrmScope): void {
  if (!scope.zeroRetention) return;
  try {
    walk(value, scope, typeof value === 'string', 0);
  } catch {
    // see above
  }
}
