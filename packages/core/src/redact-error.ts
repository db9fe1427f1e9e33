import { placeholder, read, scrub, type Visit, type Walk } from './redact-walk.js';
import { state } from './state.js';
import { REDACTED } from './taint-index.js';

/** Error fields kept as they are in ZRM: names and codes, never text. */
const ERROR_METADATA: ReadonlySet<string> = new Set([
  'code',
  'errno',
  'syscall',
  'status',
  'statusCode',
  'type',
  'expose',
  'name',
]);

export function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** The first line of a stack is `Name: message`; the frames after it are code locations. */
function framesOnly(stack: unknown, type: string): string | undefined {
  if (typeof stack !== 'string') return undefined;
  const frames = stack.split('\n').filter((line) => /^\s+at /.test(line));
  return [`${type}: ${REDACTED}`, ...frames.map((line) => state.taint.scrub(line))].join('\n');
}

/** In ZRM, a `stack` string found outside an error (a serialized error): its frames under its class name. */
export function redactSerializedStack(walk: Walk, stack: string): string {
  walk.redacted++;
  return framesOnly(
    stack,
    /^([A-Za-z_$][\w$]*(?:Error|Exception))(?::|\n|$)/.exec(stack)?.[1] ?? 'Error',
  ) as string;
}

/** In ZRM an error keeps its class, code and frames; message, stack header, cause and fields are scrubbed. */
function zrmError(walk: Walk, value: Error, depth: number, visit: Visit): Record<string, unknown> {
  let type = 'Error';
  try {
    type = value.constructor?.name || value.name || 'Error';
    if (typeof type !== 'string') type = 'Error';
  } catch {
    // keep the default
  }
  walk.redacted++;
  const out: Record<string, unknown> = { type, message: REDACTED };
  const stack = framesOnly(read(walk, value, 'stack'), type);
  if (stack !== undefined) out.stack = stack;
  for (const key of Object.keys(value)) {
    if (key === 'message' || key === 'stack') continue;
    const field = read(walk, value, key);
    if (ERROR_METADATA.has(key) && (typeof field === 'number' || typeof field === 'boolean')) {
      out[key] = field;
    } else if (ERROR_METADATA.has(key) && typeof field === 'string' && field.length <= 64) {
      out[key] = scrub(walk, field);
    } else if (typeof field === 'object' && field !== null) {
      walk.opaque++;
      out[key] = visit(walk, field, depth + 1);
      walk.opaque--;
    } else if (field !== undefined) {
      out[key] = placeholder(walk, field);
    }
  }
  const cause = read(walk, value, 'cause');
  if (cause !== undefined && !('cause' in out)) out.cause = visit(walk, cause, depth + 1);
  const errors = read(walk, value, 'errors');
  if (Array.isArray(errors) && !('errors' in out)) out.errors = visit(walk, errors, depth + 1);
  return out;
}

/** Outside a scope: the error itself when clean, else a plain copy with registered content removed. */
function taintedError(walk: Walk, value: Error, depth: number, visit: Visit): unknown {
  const before = walk.redacted;
  const message = read(walk, value, 'message');
  const stack = read(walk, value, 'stack');
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(value))
    fields[key] = visit(walk, read(walk, value, key), depth + 1);
  const cleanMessage = typeof message === 'string' ? scrub(walk, message) : message;
  const cleanStack = typeof stack === 'string' ? scrub(walk, stack) : stack;
  const cause = read(walk, value, 'cause');
  const cleanCause = cause === undefined ? undefined : visit(walk, cause, depth + 1);
  if (walk.redacted === before) return value;
  let type = 'Error';
  try {
    type = value.constructor?.name || value.name || 'Error';
  } catch {
    // keep the default
  }
  const out: Record<string, unknown> = { type, message: cleanMessage, stack: cleanStack };
  if (cleanCause !== undefined) out.cause = cleanCause;
  return Object.assign(out, fields);
}

/** An error, redacted: in ZRM a content-free copy, elsewhere the error itself unless it holds registered content. */
export function redactError(walk: Walk, value: Error, depth: number, visit: Visit): unknown {
  return walk.zrm ? zrmError(walk, value, depth, visit) : taintedError(walk, value, depth, visit);
}
