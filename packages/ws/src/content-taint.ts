import { isSensitiveKey, markSensitive, type ZrmScope } from '@zrm/core';

function isBinary(value: object): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
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
    walk(
      (value as Record<string, unknown>)[key],
      scope,
      content || isSensitiveKey(key, scope.policy),
      depth + 1,
    );
  }
}

/**
 * Registers the content of a received message: in a JSON object every string
 * under a sensitive key (any depth), any other text whole, binary by its bytes.
 */
export function registerMessage(
  text: string | undefined,
  parsed: unknown,
  binary: unknown,
  scope: ZrmScope,
): void {
  try {
    if (binary !== undefined) walk(binary, scope, true, 0);
    else if (typeof parsed === 'object' && parsed !== null) walk(parsed, scope, false, 0);
    else if (text !== undefined) scope.register(text);
  } catch {
    // an unreadable value is still redacted by key and type wherever it is logged
  }
}
