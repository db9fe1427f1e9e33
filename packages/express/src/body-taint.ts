import { isSensitiveKey, markSensitive, type ZrmScope } from '@zrm/core';

function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/**
 * Registers the content of a parsed body: a text body whole, binary bodies by
 * their bytes, and in objects every string under a sensitive key (any depth).
 */
export function registerBody(value: unknown, scope: ZrmScope): void {
  try {
    walk(value, scope, typeof value === 'string', 0);
  } catch {
    // a hostile body (throwing getter) must not break parsing; redaction still applies by key
  }
}

function walk(value: unknown, scope: ZrmScope, content: boolean, depth: number): void {
  if (typeof value === 'string') {
    if (content) scope.register(value);
    return;
  }
  if (typeof value !== 'object' || value === null || depth > scope.policy.maxDepth) return;
  if (isBinary(value)) {
    scope.run(() => markSensitive(value));
    return;
  }
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
 * Makes `req.body` an accessor for the rest of a ZRM request, so whatever a
 * body parser (express.json/text/raw/urlencoded, body-parser 1 and 2) assigns
 * is registered as content the moment it is parsed.
 */
export function taintBodyOnParse(req: object, scope: ZrmScope): void {
  let body = (req as { body?: unknown }).body;
  if (body !== undefined) registerBody(body, scope);
  Object.defineProperty(req, 'body', {
    configurable: true,
    enumerable: true,
    get: () => body,
    set: (value: unknown) => {
      body = value;
      registerBody(value, scope);
    },
  });
}
