import { isSensitiveKey, markSensitive, type Policy } from '@zrm/core';

const MAX_DEPTH = 32;

function isBinary(value: unknown): boolean {
  return ArrayBuffer.isView(value) || value instanceof ArrayBuffer;
}

/** Every string and binary value under `value`, registered (all of it is content). */
function registerAll(value: unknown, depth: number): void {
  if (typeof value === 'string' || isBinary(value)) {
    markSensitive(value);
    return;
  }
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null) return;
  for (const item of Array.isArray(value) ? value : Object.values(value))
    registerAll(item, depth + 1);
}

/** A part of `@fastify/multipart` with `attachFieldsToBody`: its value (or buffered file) is content. */
function registerPart(value: object): boolean {
  const part = value as { type?: unknown; fieldname?: unknown; value?: unknown; _buf?: unknown };
  if (typeof part.fieldname !== 'string' || (part.type !== 'field' && part.type !== 'file'))
    return false;
  if (part.type === 'field') registerAll(part.value, 0);
  else if (isBinary(part._buf)) markSensitive(part._buf);
  return true;
}

function registerSensitive(value: unknown, policy: Policy, depth: number): void {
  if (depth >= MAX_DEPTH || typeof value !== 'object' || value === null || isBinary(value)) return;
  if (registerPart(value)) return;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) registerSensitive(item, policy, depth + 1);
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (isSensitiveKey(key, policy)) registerAll(item, depth + 1);
    else registerSensitive(item, policy, depth + 1);
  }
}

/**
 * Registers the content of a parsed body as taint of the current ZRM scope:
 * a text or binary body whole, and in a structured body every value under a
 * sensitive key (any depth) and every multipart field or buffered file.
 */
export function registerBody(body: unknown, policy: Policy): void {
  if (body === undefined || body === null) return;
  if (typeof body === 'string' || isBinary(body)) {
    markSensitive(body);
    return;
  }
  registerSensitive(body, policy, 0);
}
