import { redact } from '@zrm/core';

export function isErrorValue(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  try {
    return value instanceof Error || Object.prototype.toString.call(value) === '[object Error]';
  } catch {
    return false;
  }
}

/**
 * In a ZRM scope: the error as `@zrm/core` redacts it (class, code, stack frames;
 * no message, no raw fields, causes and aggregated errors likewise). It reads
 * as an error of the same class (`constructor.name`) with the same visible
 * keys, so error serializers (pino's `err`) write the keys they write for it
 * in an ordinary line.
 */
export function safeError(error: Error): unknown {
  return redact(error);
}
