import { emitRedaction, reportCrossContext } from './events.js';
import { isError, redactError, redactSerializedStack } from './redact-error.js';
import {
  CIRCULAR,
  DEPTH_LIMIT,
  UNREADABLE,
  binaryPlaceholder,
  byteLength,
  placeholder,
  read,
  scrub,
  type Walk,
} from './redact-walk.js';
import { scrubUrlWith } from './scrub.js';
import { KeyKind, classifyKey, keyKinds } from './sensitive-keys.js';
import { state } from './state.js';
import type { RedactOptions } from './types.js';

/** The value under `key`, redacted; `key` is undefined for the root and array items. */
function child(walk: Walk, key: string | undefined, value: unknown, depth: number): unknown {
  if (walk.zrm && key !== undefined) {
    switch (walk.keys.get(key) ?? classifyKey(walk.keys, key, walk.policy)) {
      case KeyKind.Sensitive:
        return value === undefined || value === null ? value : placeholder(walk, value);
      case KeyKind.NotAllowed:
        if (typeof value !== 'object' || value === null) {
          return value === undefined || typeof value === 'function'
            ? value
            : placeholder(walk, value);
        }
        break;
      case KeyKind.Url:
        if (typeof value === 'string') {
          const out = scrubUrlWith(value, true, walk.policy);
          if (out !== value) walk.redacted++;
          return out;
        }
        break;
      case KeyKind.Stack:
        // a serialized error's stack repeats its message in the first line: keep the frames only
        if (typeof value === 'string') return redactSerializedStack(walk, value);
        break;
      default:
        break;
    }
  }
  return node(walk, value, depth);
}

function node(walk: Walk, value: unknown, depth: number): unknown {
  switch (typeof value) {
    case 'string':
      return walk.opaque > 0 && walk.zrm ? placeholder(walk, value) : scrub(walk, value);
    case 'symbol':
      return walk.zrm ? placeholder(walk, value) : value;
    case 'object':
      if (value === null) return value;
      return object(walk, value, depth);
    default:
      return value;
  }
}

function object(walk: Walk, value: object, depth: number): unknown {
  if (walk.ancestors.includes(value)) return CIRCULAR;
  if (depth >= walk.policy.maxDepth) {
    if (!walk.zrm) return value;
    walk.redacted++;
    return DEPTH_LIMIT;
  }
  walk.ancestors.push(value);
  try {
    return objectInner(walk, value, depth);
  } catch {
    // a revoked Proxy, a throwing trap or toJSON: fail closed
    walk.redacted++;
    return UNREADABLE;
  } finally {
    walk.ancestors.pop();
  }
}

function objectInner(walk: Walk, value: object, depth: number): unknown {
  const bytes = byteLength(value);
  if (bytes !== undefined) {
    if (!walk.zrm) return value;
    walk.redacted++;
    return binaryPlaceholder(bytes);
  }
  if (isError(value)) return redactError(walk, value, depth, node);
  if (Array.isArray(value)) return array(walk, value, depth);
  if (value instanceof Date) return walk.zrm ? new Date(value.getTime()) : value;
  if (value instanceof Map) return map(walk, value, depth);
  if (value instanceof Set) return set(walk, value, depth);
  if (value instanceof URL) {
    const href = value.href;
    const out = scrubUrlWith(href, walk.zrm, walk.policy);
    if (out !== href) walk.redacted++;
    return out === href && !walk.zrm ? value : out;
  }
  if (value instanceof RegExp) return walk.zrm ? placeholder(walk, value) : value;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') {
    const json: unknown = toJSON.call(value);
    if (json === value) return record(walk, value, depth);
    const out = node(walk, json, depth + 1);
    return !walk.zrm && out === json ? value : out;
  }
  return record(walk, value, depth);
}

/** Own enumerable string keys. In ZRM always a fresh plain object; elsewhere copied only on change. */
function record(walk: Walk, value: object, depth: number): unknown {
  if (walk.zrm) return copy(walk, value, depth);
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  // values already read, so a copy made late never reads a getter twice
  const seen: unknown[] = [];
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const before = read(walk, value, key);
    const after = child(walk, key, before, depth + 1);
    if (out === undefined && after !== before) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j] as string] = seen[j];
    }
    if (out !== undefined) out[key] = after;
    else seen.push(before);
  }
  return out ?? value;
}

/** In ZRM: a fresh plain object of at most `maxWidth` keys. */
function copy(walk: Walk, value: object, depth: number): unknown {
  const width = walk.policy.maxWidth;
  const out: Record<string, unknown> = {};
  let n = 0;
  // for-in (own keys only, in Object.keys order) lets V8 read each value through its layout cache
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    if (n++ === width) return truncated(out, Object.keys(value).length - width);
    out[key] = child(walk, key, read(walk, value, key), depth + 1);
  }
  return out;
}

function truncated(out: Record<string, unknown>, more: number): Record<string, unknown> {
  out['[truncated]'] = `${more} more keys`;
  return out;
}

function array(walk: Walk, value: readonly unknown[], depth: number): unknown {
  const width = walk.policy.maxWidth;
  const limit = walk.zrm ? Math.min(value.length, width) : value.length;
  let out: unknown[] | undefined = walk.zrm ? [] : undefined;
  for (let i = 0; i < limit; i++) {
    const before: unknown = value[i];
    const after = child(walk, undefined, before, depth + 1);
    if (out === undefined && after !== before) out = value.slice(0, i);
    if (out !== undefined) out.push(after);
  }
  if (out !== undefined && value.length > limit) out.push(`[${value.length - limit} more items]`);
  return out ?? value;
}

function map(walk: Walk, value: Map<unknown, unknown>, depth: number): unknown {
  const out = new Map<unknown, unknown>();
  let changed = walk.zrm;
  let n = 0;
  for (const [k, v] of value) {
    if (walk.zrm && n++ >= walk.policy.maxWidth) break;
    const key = node(walk, k, depth + 1);
    const after = child(walk, typeof k === 'string' ? k : undefined, v, depth + 1);
    if (key !== k || after !== v) changed = true;
    out.set(key, after);
  }
  return changed ? out : value;
}

function set(walk: Walk, value: Set<unknown>, depth: number): unknown {
  const out = new Set<unknown>();
  let changed = walk.zrm;
  let n = 0;
  for (const v of value) {
    if (walk.zrm && n++ >= walk.policy.maxWidth) break;
    const after = child(walk, undefined, v, depth + 1);
    if (after !== v) changed = true;
    out.add(after);
  }
  return changed ? out : value;
}

/**
 * A redacted copy of `value` under the current scope (or `options`). In ZRM:
 * content keys, binary values, registered content and error text are replaced
 * by placeholders, and unreadable values fail closed. In any other context (an
 * ordinary scope, an ended one, none) only registered content of in-flight ZRM
 * requests is removed, counted as `cross-context`, and the value itself is
 * returned when it holds none. Never throws, never mutates `value`.
 */
export function redact(value: unknown, options?: RedactOptions): unknown {
  const scope = state.storage.getStore();
  const zrm = (options?.zeroRetention ?? scope?.zeroRetention) === true;
  if (!zrm && state.taint.isEmpty) return value;
  const policy = options?.policy ?? scope?.policy ?? state.defaultPolicy;
  const walk: Walk = {
    zrm,
    policy,
    keys: keyKinds(policy),
    taint: state.taint,
    ancestors: [],
    redacted: 0,
    opaque: 0,
  };
  let out: unknown;
  try {
    out = node(walk, value, 0);
  } catch {
    walk.redacted++;
    out = UNREADABLE;
  }
  if (walk.redacted > 0) {
    if (scope !== undefined) scope.counters.redactedFields += walk.redacted;
    if (!zrm) reportCrossContext(options?.sink, walk.redacted);
    // the event object is built only for a policy that listens
    else if (policy.onRedaction !== undefined) {
      emitRedaction(policy, {
        kind: 'redacted',
        count: walk.redacted,
        requestId: scope?.requestId,
      });
    }
  }
  return out;
}
