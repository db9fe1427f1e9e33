import { redact, REDACTED, type Policy } from '@zrm/core';
import { redactAttributes } from './attributes.js';
import { cleanLogFields } from './cross-context.js';
import { ZERO_RETENTION_ATTRIBUTE } from './marker.js';
import type { ZrmLogRecord } from './types.js';

interface Writable {
  setAttribute(key: string, value: unknown): unknown;
  setBody(body: unknown): unknown;
}

/**
 * A ZRM body. A string is a log message (pino's `msg`): registered content is
 * removed, the rest kept for debugging. The body of a GenAI event is content
 * as a whole; structured bodies are redacted by key.
 */
function redactBody(body: unknown, eventName: string | undefined, policy: Policy): unknown {
  if (body === undefined || body === null) return body;
  if (eventName?.startsWith('gen_ai.') === true) return REDACTED;
  return redact(body, { zeroRetention: true, policy });
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Rewrites the record in place (allowed during `onEmit`); throws when the SDK did not take a change. */
function apply(record: ZrmLogRecord, body: unknown, attributes: Record<string, unknown>): void {
  const writable = record as unknown as Writable;
  if (body !== record.body) writable.setBody(body);
  if (record.body !== body) throw new Error('log record body is read-only');
  for (const key of Object.keys(record.attributes)) {
    const value = attributes[key] ?? REDACTED;
    if (value === record.attributes[key]) continue;
    writable.setAttribute(key, value);
    if (same(record.attributes[key], value)) continue;
    // the SDK refused the value (limits, validation): a placeholder then, or nothing at all
    writable.setAttribute(key, REDACTED);
    if (record.attributes[key] !== REDACTED) throw new Error('log record attributes are read-only');
  }
}

/** Removes content from a ZRM log record, in place. */
export function redactLogRecord(record: ZrmLogRecord, policy: Policy): void {
  apply(
    record,
    redactBody(record.body, record.eventName, policy),
    redactAttributes(record.attributes, policy),
  );
  (record as unknown as Writable).setAttribute(ZERO_RETENTION_ATTRIBUTE, true);
}

/**
 * Not a ZRM record (any context): a body or attribute holding registered
 * content of an in-flight ZRM request becomes `[REDACTED]`, in place.
 */
export function cleanLogRecord(record: ZrmLogRecord): void {
  const clean = cleanLogFields(record.body, record.attributes);
  if (clean !== undefined) apply(record, clean.body, clean.attributes);
}
