import { REDACTED, UNREADABLE, redact, scrubString } from '@zrm/core';
import {
  isHttpRequest,
  isHttpResponse,
  requestSummary,
  responseSummary,
  summarizeHttp,
} from './http-summary.js';
import { isErrorValue, safeError } from './safe-error.js';

type Serializer = (value: unknown) => unknown;
export type Serializers = Readonly<Record<string | symbol, Serializer | undefined>>;

/** The content-free marker every ZRM line carries. */
export const ZRM_MARKER_KEY = 'zrm';

/** An interpolation argument has no key to judge it by: strings are content, numbers and flags are not. */
function safeParam(value: unknown): unknown {
  switch (typeof value) {
    case 'string':
      return REDACTED;
    case 'number':
    case 'bigint':
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      return value === null ? value : redact(summarizeHttp(value));
    default:
      return REDACTED;
  }
}

/** How bare message strings are treated in ZRM. */
export interface MessageSettings {
  readonly keepMessages: boolean;
  readonly safeMessages: ReadonlySet<string>;
}

/**
 * A format string used with arguments is code: its text stays, scrubbed of
 * registered content. A bare message string cannot be told from content, so it
 * is replaced unless the options say to keep messages.
 */
function safeMessage(value: unknown, withArguments: boolean, settings: MessageSettings): unknown {
  if (typeof value !== 'string') return safeParam(value);
  if (withArguments || settings.keepMessages) return scrubString(value);
  return value === '' || settings.safeMessages.has(value) ? value : REDACTED;
}

function readKey(source: object, key: string): unknown {
  return (source as Record<string, unknown>)[key];
}

/**
 * Runs the serializers on the raw values (errors: on their redacted form), then
 * redacts the whole object: serializer output is treated like any other value.
 */
function safeMergingObject(
  input: object,
  serializers: Serializers,
  errorKey: string,
): Record<string, unknown> {
  let source: object = input;
  if (isErrorValue(input)) source = { [errorKey]: input };
  else if (isHttpRequest(input)) source = { req: requestSummary(input) };
  else if (isHttpResponse(input)) source = { res: responseSummary(input) };
  const pre: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    let value: unknown;
    try {
      value = readKey(source, key);
      if (value === undefined || typeof value === 'function') continue;
      const serializer = serializers[key] ?? (key === errorKey ? serializers.err : undefined);
      if (isErrorValue(value)) value = safeError(value);
      else if (serializer === undefined) value = summarizeHttp(value);
      if (serializer !== undefined) value = serializer(value);
    } catch {
      // a throwing getter or serializer: fail closed for this key
      value = UNREADABLE;
    }
    pre[key] = value;
  }
  const safe = redact(pre);
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
  if (at < args.length) out.push(safeMessage(args[at], args.length > at + 1, settings));
  for (let i = at + 1; i < args.length; i++) out.push(safeParam(args[i]));
  return out;
}
