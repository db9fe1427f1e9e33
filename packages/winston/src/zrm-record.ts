import { REDACTED, redact } from '@zrm/core';
import { UNREADABLE, redactMessage, redactParam, type MessageSettings } from '@zrm/core/adapter';
import { FORMAT_TOKENS, LEVEL, MESSAGE, SPLAT } from './symbols.js';
import type { WinstonInfo } from './types.js';

type Fields = Record<string, unknown>;

/** Keys a record is built from by rules of their own, not by the redactor's key rules. */
const OWN_RULES: ReadonlySet<string> = new Set(['level', 'message', 'splat', 'zrm']);
/** What winston copies from an error onto a record beside its own fields. */
const ERROR_PARTS: ReadonlySet<string> = new Set(['stack', 'cause']);
const NONE: ReadonlySet<string> = new Set();

/** The content-free marker every ZRM record carries (as `@zrm/pino` lines do). */
export const ZRM_MARKER_KEY = 'zrm';

function read(source: object, key: string | symbol): unknown {
  try {
    return (source as Record<string | symbol, unknown>)[key];
  } catch {
    return UNREADABLE;
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error;
}

/** What a record was logged with: the error whose fields winston flattened into it, if any. */
export interface RecordSources {
  /** The error a child logger was called with (its record is a copy of it). */
  readonly childError?: Error | undefined;
  /** The logger's `defaultMeta`: winston assigns it onto an error logged alone. */
  readonly defaultMeta?: unknown;
}

/**
 * The error whose fields are in the record: the record itself (`logger.error(err)`),
 * the error a child logger copied, or the meta error of `logger.error('msg', err)`
 * (winston merges a first meta object only when the message has no tokens).
 */
function errorSource(
  info: WinstonInfo,
  message: unknown,
  sources: RecordSources,
): Error | undefined {
  if (sources.childError !== undefined) return sources.childError;
  if (isError(info)) return info;
  const params = read(info, SPLAT);
  if (!Array.isArray(params) || !isError(params[0])) return undefined;
  return typeof message === 'string' && FORMAT_TOKENS.test(message) ? undefined : params[0];
}

/** The error's own fields in the record, less what winston added to it (`level`, `defaultMeta`). */
function errorKeys(source: Error, info: WinstonInfo, defaultMeta: unknown): ReadonlySet<string> {
  const keys = new Set(Object.keys(source));
  keys.delete('level');
  if (typeof defaultMeta === 'object' && defaultMeta !== null) {
    for (const [key, value] of Object.entries(defaultMeta))
      if (read(info, key) === value) keys.delete(key);
  }
  return keys;
}

function params(value: unknown): unknown {
  return Array.isArray(value) ? value.map(redactParam) : redactParam(value);
}

/** A redacted object (the redactor returns one for an object, a placeholder only when it could not read it). */
function asFields(value: unknown): Fields {
  return typeof value === 'object' && value !== null ? (value as Fields) : {};
}

/**
 * A record written in a ZRM scope, rebuilt content-free before any format
 * sees it: fields by the redactor's key rules (any depth, binary, registered
 * content, errors), the message by the message rules (a format string with
 * interpolation arguments keeps its text, its string arguments are replaced),
 * an error's message, fields, stack header and causes as `@zrm/core` redacts
 * an error. It keeps its keys in order, its level and its error-ness (so
 * `format.errors()` and `format.splat()` work on it), and carries `zrm: true`.
 */
export function zrmRecord(
  info: WinstonInfo,
  settings: MessageSettings,
  sources: RecordSources,
): WinstonInfo {
  const message = read(info, 'message');
  const splat = read(info, SPLAT);
  const legacySplat = read(info, 'splat');
  const args = Array.isArray(splat) ? splat : Array.isArray(legacySplat) ? legacySplat : [];
  const withArguments =
    typeof message === 'string' && args.length > 0 && FORMAT_TOKENS.test(message);
  const source = errorSource(info, message, sources);
  const fromError = source === undefined ? NONE : errorKeys(source, info, sources.defaultMeta);
  const safeError = source === undefined ? {} : asFields(redact(source));
  const keys = Object.keys(info);
  const view: Fields = {};
  for (const key of keys) {
    if (OWN_RULES.has(key) || fromError.has(key)) continue;
    if (source !== undefined && ERROR_PARTS.has(key)) continue;
    view[key] = read(info, key);
  }
  const safeView = asFields(redact(view));
  const out: Fields = isError(info)
    ? (Object.create(Object.getPrototypeOf(safeError) as object | null) as Fields)
    : {};
  for (const key of keys) {
    if (key === 'level') out.level = typeof info.level === 'string' ? info.level : REDACTED;
    else if (key === 'message') out.message = redactMessage(message, withArguments, settings);
    else if (key === 'splat') out.splat = params(legacySplat);
    else if (key === ZRM_MARKER_KEY) continue;
    else if (fromError.has(key) || (source !== undefined && ERROR_PARTS.has(key)))
      out[key] = safeError[key];
    else out[key] = safeView[key];
  }
  if (isError(info)) hiddenErrorParts(info, safeError, out);
  out[ZRM_MARKER_KEY] = true;
  const record = out as WinstonInfo;
  record[LEVEL] = read(info, LEVEL);
  if (splat !== undefined) record[SPLAT] = params(splat);
  const finished = read(info, MESSAGE);
  if (finished !== undefined) record[MESSAGE] = redactMessage(finished, false, settings);
  return record;
}

/** An error logged alone keeps its hidden `message`, `stack` and `cause` hidden, redacted. */
function hiddenErrorParts(info: Error, safeError: Fields, out: Fields): void {
  for (const key of ['message', 'stack', 'cause']) {
    const own = Object.getOwnPropertyDescriptor(info, key);
    if (own === undefined || own.enumerable === true) continue;
    const value = key === 'message' ? REDACTED : safeError[key];
    if (value === undefined) continue;
    Object.defineProperty(out, key, {
      value,
      enumerable: false,
      writable: true,
      configurable: true,
    });
  }
}
