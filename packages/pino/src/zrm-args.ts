import { redact } from '@zrm/core';
import {
  UNREADABLE,
  isHttpRequest,
  isHttpResponse,
  redactMessage,
  redactParam,
  requestSummary,
  responseSummary,
  summarizeHttp,
  type MessageSettings,
} from '@zrm/core/adapter';
import { isErrorValue, safeError } from './safe-error.js';

type Serializer = (value: unknown) => unknown;
export type Serializers = Readonly<Record<string | symbol, Serializer | undefined>>;

/** The content-free marker every ZRM line carries. */
export const ZRM_MARKER_KEY = 'zrm';

function readKey(source: object, key: string): unknown {
  return (source as Record<string, unknown>)[key];
}

function serializerFor(
  serializers: Serializers,
  key: string,
  errorKey: string,
): Serializer | undefined {
  return serializers[key] ?? (key === errorKey ? serializers.err : undefined);
}

// pino builds a logger's serializers object once (a child with serializers gets a new one) and
// never changes it; loggers have few serializers, so they are looked up in the object, not the reverse.
const serializerKeyLists = new WeakMap<Serializers, readonly string[]>();

export function serializerKeys(serializers: Serializers): readonly string[] {
  let keys = serializerKeyLists.get(serializers);
  if (keys === undefined) {
    keys = Object.keys(serializers);
    serializerKeyLists.set(serializers, keys);
  }
  return keys;
}

/** Can the redactor take `source` as it is: a plain object, with no serializer to run or http object to summarize first? */
function isRedactableAsIs(source: object, serializers: Serializers, errorKey: string): boolean {
  try {
    const proto: unknown = Object.getPrototypeOf(source);
    if (proto !== Object.prototype && proto !== null) return false;
    for (const key of serializerKeys(serializers))
      if (Object.prototype.hasOwnProperty.call(source, key)) return false;
    if (serializers.err !== undefined && Object.prototype.hasOwnProperty.call(source, errorKey))
      return false;
    if (typeof (source as { toJSON?: unknown }).toJSON === 'function') return false;
    for (const key in source) {
      if (!Object.prototype.hasOwnProperty.call(source, key)) continue;
      const value = readKey(source, key);
      if (typeof value !== 'object' || value === null) continue;
      // (an error needs no first pass without a serializer: the redactor shapes it the same way)
      if (isHttpRequest(value) || isHttpResponse(value)) return false;
    }
    return true;
  } catch {
    // a throwing getter or Proxy trap: the key-by-key path reads again, guarded
    return false;
  }
}

/**
 * Runs the serializers on the raw values (errors: on their redacted form) and
 * summarizes http objects; the result is then redacted like any other value.
 */
function prepared(source: object, serializers: Serializers, errorKey: string): object {
  const pre: Record<string, unknown> = {};
  // throws for a Proxy whose keys cannot be listed: the caller drops the line
  for (const key of Object.keys(source)) {
    let value: unknown;
    try {
      value = readKey(source, key);
      if (value === undefined || typeof value === 'function') continue;
      const serializer = serializerFor(serializers, key, errorKey);
      if (isErrorValue(value)) value = safeError(value);
      else if (serializer === undefined) value = summarizeHttp(value);
      if (serializer !== undefined) value = serializer(value);
    } catch {
      // a throwing getter or serializer: fail closed for this key
      value = UNREADABLE;
    }
    pre[key] = value;
  }
  return pre;
}

/** The merging object, redacted in one walk (after serializers, when the object has any to run). */
function safeMergingObject(
  input: object,
  serializers: Serializers,
  errorKey: string,
): Record<string, unknown> {
  let source: object = input;
  if (isErrorValue(input)) source = { [errorKey]: input };
  else if (isHttpRequest(input)) source = { req: requestSummary(input) };
  else if (isHttpResponse(input)) source = { res: responseSummary(input) };
  const safe = redact(
    isRedactableAsIs(source, serializers, errorKey)
      ? source
      : prepared(source, serializers, errorKey),
  );
  return typeof safe === 'object' && safe !== null
    ? (safe as Record<string, unknown>)
    : { [errorKey]: UNREADABLE };
}

/**
 * The arguments of a pino log call, rebuilt content-free: `[object, message,
 * ...params]` with the object redacted and marked, the message replaced (or, for
 * a format string, scrubbed of registered content), and every string parameter
 * replaced.
 */
export function zrmArgs(
  args: readonly unknown[],
  serializers: Serializers,
  errorKey: string,
  settings: MessageSettings,
): unknown[] {
  const first = args[0];
  let object: Record<string, unknown>;
  let at: number;
  if (typeof first === 'object' && first !== null) {
    object = safeMergingObject(first, serializers, errorKey);
    at = 1;
  } else {
    object = {};
    at = first === undefined || first === null ? 1 : 0;
  }
  object[ZRM_MARKER_KEY] = true;
  const out: unknown[] = [object];
  if (at < args.length) out.push(redactMessage(args[at], args.length > at + 1, settings));
  for (let i = at + 1; i < args.length; i++) out.push(redactParam(args[i]));
  return out;
}
