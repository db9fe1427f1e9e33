import { placeholder, read, scrub, type Visit, type Walk } from './redact-walk.js';
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

/**
 * What links an error to other values: its `cause`, an AggregateError's
 * `errors`, a SuppressedError's `error` and `suppressed`. Each is redacted as a
 * value of any type, not as a field, and keeps the enumerability it had: a
 * serializer that skips a native error's hidden `cause` skips the redacted one too.
 */
const LINK_KEYS = ['cause', 'errors', 'error', 'suppressed'] as const;
const LINKS: ReadonlySet<string> = new Set(LINK_KEYS);

const CLASS_NAME = /^[A-Za-z_$][\w$]{0,63}$/;
const FRAME = /^\s+at /;
/** A stack header that holds no content: a class name and the placeholder (what this file writes). */
const REDACTED_HEADER = /^([A-Za-z_$][\w$]{0,63}): \[REDACTED\]$/;
/** The class name that starts a serialized error's stack. */
const ERROR_HEADER = /^([A-Za-z_$][\w$]*(?:Error|Exception))(?::|$)/;
/** How pino's error serializer joins a cause's stack to its error's. */
const CAUSED_BY = 'caused by: ';
const MAX_PROTOTYPES = 256;

// One prototype per class name, so that a redacted error still reads as its class.
const prototypes = new Map<string, object>();

interface Entry {
  readonly key: string;
  readonly value: unknown;
  readonly enumerable: boolean;
}

export function isError(value: object): value is Error {
  return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
}

/** The class name serializers report as `type` (`constructor.name`); a name that is not an identifier is not trusted. */
function className(value: Error): string {
  try {
    const ctor: unknown = value.constructor;
    const name: unknown = typeof ctor === 'function' ? ctor.name : undefined;
    if (typeof name === 'string' && CLASS_NAME.test(name)) return name;
    const own: unknown = value.name;
    if (typeof own === 'string' && CLASS_NAME.test(own)) return own;
  } catch {
    // a throwing getter or Proxy trap: the default
  }
  return 'Error';
}

/** An Error prototype named `type` (`constructor.name`, `name`), with none of the class's own code. */
function prototypeFor(type: string): object {
  const found = prototypes.get(type);
  if (found !== undefined) return found;
  const ctor = { [type]: function () {} }[type] as () => void;
  const proto = Object.create(Error.prototype, {
    constructor: { value: ctor, writable: true, configurable: true },
    name: { value: type, writable: true, configurable: true },
  }) as object;
  ctor.prototype = proto;
  if (prototypes.size < MAX_PROTOTYPES) prototypes.set(type, proto);
  return proto;
}

function define(out: object, key: string, value: unknown, enumerable: boolean): void {
  Object.defineProperty(out, key, { value, enumerable, writable: true, configurable: true });
}

function headerType(line: string): string {
  return REDACTED_HEADER.exec(line)?.[1] ?? ERROR_HEADER.exec(line)?.[1] ?? 'Error';
}

/**
 * A stack's frames (code locations, scrubbed of registered content) under a
 * `Type: [REDACTED]` header; every other line belongs to the message. A
 * message of several lines is cut off whole first, so that none of its lines
 * passes for a frame. pino's `caused by: ` lines keep a redacted cause's class.
 */
function redactStack(walk: Walk, stack: string, type: string, message: unknown): string {
  let body = stack;
  if (typeof message === 'string' && message.includes('\n')) {
    const at = stack.indexOf(message);
    if (at >= 0) body = stack.slice(at + message.length);
  }
  const out = [`${type}: ${REDACTED}`];
  for (const line of body.split('\n')) {
    if (FRAME.test(line)) out.push(walk.taint.scrub(line));
    else if (line === CAUSED_BY) out.push(line);
    else if (line.startsWith(CAUSED_BY)) {
      const cause = REDACTED_HEADER.exec(line.slice(CAUSED_BY.length))?.[1] ?? 'Error';
      out.push(`${CAUSED_BY}${cause}: ${REDACTED}`);
    }
  }
  return out.join('\n');
}

/** In ZRM, a `stack` string found outside an error (a serialized error): its frames under its class name. */
export function redactSerializedStack(walk: Walk, stack: string): string {
  walk.redacted++;
  const newline = stack.indexOf('\n');
  const header = newline < 0 ? stack : stack.slice(0, newline);
  return redactStack(walk, stack, headerType(header), undefined);
}

/** A linked value, of any type: in ZRM every string in it is content, numbers and flags are not; errors in it are errors. */
function linked(walk: Walk, value: unknown, depth: number, visit: Visit): unknown {
  // pino's serializer calls a function cause (VError style): one is never handed on
  if (typeof value === 'function') return undefined;
  return opaque(walk, value, depth, visit);
}

function opaque(walk: Walk, value: unknown, depth: number, visit: Visit): unknown {
  walk.opaque++;
  try {
    return visit(walk, value, depth + 1);
  } finally {
    walk.opaque--;
  }
}

/** In ZRM a field keeps a metadata value (a code, a status); any other value is content. */
function redactField(
  walk: Walk,
  key: string,
  field: unknown,
  depth: number,
  visit: Visit,
): unknown {
  if (ERROR_METADATA.has(key)) {
    if (typeof field === 'number' || typeof field === 'boolean') return field;
    if (typeof field === 'string' && field.length <= 64) return scrub(walk, field);
  }
  if (typeof field === 'object' && field !== null) return opaque(walk, field, depth, visit);
  return field === undefined ? field : placeholder(walk, field);
}

/** The error's fields (own enumerable keys) in order, then the links it holds as hidden properties. */
function entries(walk: Walk, value: Error, depth: number, visit: Visit): Entry[] {
  const out: Entry[] = [];
  for (const key of Object.keys(value)) {
    if (key === 'message' || key === 'stack') continue;
    const field = read(walk, value, key);
    const clean = LINKS.has(key)
      ? linked(walk, field, depth, visit)
      : walk.zrm
        ? redactField(walk, key, field, depth, visit)
        : visit(walk, field, depth + 1);
    out.push({ key, value: clean, enumerable: true });
  }
  for (const key of LINK_KEYS) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key);
    if (descriptor === undefined || descriptor.enumerable === true) continue;
    out.push({ key, value: linked(walk, read(walk, value, key), depth, visit), enumerable: false });
  }
  return out;
}

/**
 * An error, redacted. In ZRM: a copy that keeps the class name (its prototype
 * is named after it, and `type` says it), metadata fields and stack frames;
 * the message, stack header, every other field and every linked value (cause,
 * errors, error, suppressed) are redacted. Elsewhere: the error itself, or, when
 * it holds registered content of an in-flight ZRM request, a copy of the same
 * shape without that content.
 */
export function redactError(walk: Walk, value: Error, depth: number, visit: Visit): unknown {
  const before = walk.redacted;
  if (walk.zrm) walk.redacted++;
  const type = className(value);
  const message = read(walk, value, 'message');
  const stack = read(walk, value, 'stack');
  let cleanMessage: unknown = REDACTED;
  let cleanStack: unknown;
  if (walk.zrm) {
    if (typeof stack === 'string') cleanStack = redactStack(walk, stack, type, message);
  } else {
    cleanMessage = typeof message === 'string' ? scrub(walk, message) : message;
    cleanStack = typeof stack === 'string' ? scrub(walk, stack) : stack;
  }
  const fields = entries(walk, value, depth, visit);
  if (walk.redacted === before) return value;
  const out = Object.create(prototypeFor(type)) as object;
  define(out, 'type', type, true);
  if (cleanMessage !== undefined) define(out, 'message', cleanMessage, true);
  if (cleanStack !== undefined) define(out, 'stack', cleanStack, true);
  for (const field of fields) {
    if (field.value !== undefined) define(out, field.key, field.value, field.enumerable);
  }
  return out;
}
