import { redact } from '@zrm/core';

const MAX_CAUSES = 8;
const MAX_PROTOTYPES = 256;
const CLASS_NAME = /^[A-Za-z_$][\w$]{0,63}$/;

// One prototype per error class name, so error serializers (pino's `err`) still report `type`.
const prototypes = new Map<string, object>();

export function isErrorValue(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

function namedPrototype(type: string): object {
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

function readCause(raw: Error): unknown {
  try {
    return raw.cause;
  } catch {
    return undefined;
  }
}

/** Gives a redacted error record (from `redact`) an Error-like prototype named after its class. */
function shape(record: unknown, raw: unknown, depth: number): unknown {
  if (typeof record !== 'object' || record === null || !isErrorValue(raw)) return record;
  const fields = record as Record<string, unknown>;
  const type =
    typeof fields.type === 'string' && CLASS_NAME.test(fields.type) ? fields.type : 'Error';
  const out = Object.create(namedPrototype(type)) as object;
  for (const key of Object.keys(fields)) {
    if (key === 'type') continue;
    let value = fields[key];
    if (key === 'cause' && depth < MAX_CAUSES) value = shape(value, readCause(raw), depth + 1);
    Object.defineProperty(out, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * In a ZRM scope: the error as `@zrm/core` redacts it (class, code, stack frames;
 * no message, no raw fields, causes likewise), shaped so that error serializers
 * still see an error of the same class name.
 */
export function safeError(error: Error): unknown {
  return shape(redact(error), error, 0);
}
