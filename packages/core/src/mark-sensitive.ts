import type { ZrmScope } from './scope.js';
import { state } from './state.js';

/** Text forms a binary value can take in a log line or an attribute. */
function binaryForms(bytes: Uint8Array): string[] {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const forms = [buffer.toString('hex')];
  // base64 of a slice depends on where the slice starts: register all three alignments
  for (let offset = 0; offset < 3 && offset < buffer.length; offset++) {
    const slice = buffer.subarray(offset);
    const base64 = slice.toString('base64');
    const padding = base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
    // Node's base64url has no padding, as a URL or JWT carries it
    forms.push(base64.slice(0, base64.length - padding), slice.toString('base64url'));
  }
  return forms;
}

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
  const cap = scope.policy.taint.maxFragmentsPerBinary;
  for (const form of binaryForms(bytes)) scope.register(form, cap);
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
