import type { KeyKind } from './sensitive-keys.js';
import type { state } from './state.js';
import { REDACTED } from './taint-index.js';
import type { Policy } from './types.js';

export const UNREADABLE = '[unreadable]';
export const CIRCULAR = '[Circular]';
export const DEPTH_LIMIT = '[depth limit]';

/** One call of `redact`: its mode, caches and running count. */
export interface Walk {
  readonly zrm: boolean;
  readonly policy: Policy;
  /** The policy's key cache (see `keyKinds`), looked up once per walk. */
  readonly keys: Map<string, KeyKind>;
  /** Registered content, looked up once per walk. */
  readonly taint: typeof state.taint;
  /** Objects on the path from the root (at most `maxDepth`): a short array beats a Set here. */
  readonly ancestors: object[];
  redacted: number;
  /** Inside fields of an error: every string is treated as content. */
  opaque: number;
}

/** The walker's entry for any value, handed to the parts of the walk that live in other files. */
export type Visit = (walk: Walk, value: unknown, depth: number) => unknown;

export function binaryPlaceholder(bytes: number): string {
  return `[binary ${bytes} bytes]`;
}

export function byteLength(value: object): number | undefined {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer)
    return value.byteLength;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return value.size;
  return undefined;
}

function safeByteLength(value: object): number | undefined {
  try {
    return byteLength(value);
  } catch {
    return undefined;
  }
}

/** `text` without registered content, counted when something was removed. */
export function scrub(walk: Walk, text: string): string {
  const out = walk.taint.scrub(text);
  if (out !== text) walk.redacted++;
  return out;
}

export function placeholder(walk: Walk, value: unknown): string {
  walk.redacted++;
  if (typeof value === 'object' && value !== null) {
    const bytes = safeByteLength(value);
    if (bytes !== undefined) return binaryPlaceholder(bytes);
  }
  return REDACTED;
}

/** `value[key]`, or a placeholder when reading it throws. */
export function read(walk: Walk, value: object, key: string): unknown {
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    walk.redacted++;
    return UNREADABLE;
  }
}
