import type { ZrmScope } from './scope.js';
import { state } from './state.js';

function toBytes(value: unknown): Uint8Array | undefined {
  if (ArrayBuffer.isView(value))
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  return undefined;
}

/** Registers one string or binary value in `scope`; returns whether it was a kind that can be registered. */
export function registerValue(scope: ZrmScope, value: unknown): boolean {
  if (typeof value === 'string') {
    scope.register(value);
    return true;
  }
  const bytes = toBytes(value);
  if (bytes === undefined) return false;
  scope.registerBinary(bytes);
  return true;
}

/**
 * Registers content of the current ZRM scope: strings, and the text forms
 * (base64, base64url, hex) of binary values. Any string that later contains one
 * of them, or a long enough fragment, is scrubbed wherever zrm looks at it.
 * Returns how many values were registered (0 outside ZRM).
 */
export function markSensitive(...values: unknown[]): number {
  const scope = state.storage.getStore();
  if (scope === undefined || !scope.zeroRetention) return 0;
  let count = 0;
  for (const value of values) if (registerValue(scope, value)) count++;
  return count;
}
