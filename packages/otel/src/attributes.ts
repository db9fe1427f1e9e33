import { currentScope, isSensitiveKey, isTainted, redact, REDACTED, type Policy } from '@zrm/core';
import { binaryPlaceholder, byteLength, emitRedaction } from '@zrm/core/adapter';

const STACK_KEY = 'exception.stacktrace';
const MESSAGE_KEY = 'exception.message';
const FRAME = /^\s+at /;

/**
 * A stack trace's frames are code locations; every other line (the `Name: message` header) is content.
 * A message of several lines (the event's `exception.message`) is cut off whole first, so that none
 * of its lines passes for a frame.
 */
function framesOnly(stack: string, message: unknown): string {
  let body = stack;
  if (typeof message === 'string' && message.includes('\n')) {
    const at = stack.indexOf(message);
    if (at >= 0) body = stack.slice(at + message.length);
  }
  const lines = body.split('\n');
  const out: string[] = [];
  for (const line of lines) {
    if (FRAME.test(line)) out.push(isTainted(line) ? REDACTED : line);
    else if (out[out.length - 1] !== REDACTED) out.push(REDACTED);
  }
  return out.join('\n');
}

function viaCore(key: string, value: unknown, policy: Policy): unknown {
  const out = redact({ [key]: value }, { zeroRetention: true, policy });
  return typeof out === 'object' && out !== null ? (out as Record<string, unknown>)[key] : REDACTED;
}

/** Registered content removed from a string that is not under a content key. */
function scrubText(text: string, policy: Policy): string {
  if (!isTainted(text)) return text;
  const out = redact(text, { zeroRetention: true, policy });
  return typeof out === 'string' ? out : REDACTED;
}

function binaryLength(value: unknown): number | undefined {
  return typeof value === 'object' && value !== null ? byteLength(value) : undefined;
}

function isUrlKey(key: string, policy: Policy): boolean {
  return policy.urlKeys.has(key) || policy.urlKeys.has(key.toLowerCase());
}

/**
 * ZRM attributes: content keys (policy's sensitive keys, GenAI and body
 * attributes), URL query values, binary values and registered content are
 * replaced; `exception.stacktrace` keeps its frames only. Always a new object.
 * Flat attributes take a fast path; nested values and strict policies go
 * through `redact` of `@zrm/core`.
 */
export function redactAttributes(
  attributes: object | undefined,
  policy: Policy,
): Record<string, unknown> {
  if (attributes === undefined) return {};
  if (policy.strictAllowKeys !== undefined) return strict(attributes, policy);
  const source = attributes as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let redacted = 0;
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (
      value === undefined ||
      value === null ||
      typeof value === 'number' ||
      typeof value === 'boolean'
    ) {
      out[key] = value;
    } else if (isSensitiveKey(key, policy)) {
      const bytes = binaryLength(value);
      out[key] = bytes === undefined ? REDACTED : binaryPlaceholder(bytes);
      redacted++;
    } else if (typeof value !== 'string') {
      out[key] = viaCore(key, value, policy);
    } else if (key === STACK_KEY) {
      out[key] = framesOnly(value, source[MESSAGE_KEY]);
      redacted++;
    } else if (isUrlKey(key, policy)) {
      out[key] = viaCore(key, value, policy);
    } else {
      out[key] = scrubText(value, policy);
    }
  }
  if (redacted > 0) {
    const scope = currentScope();
    if (scope !== undefined) scope.counters.redactedFields += redacted;
    emitRedaction(policy, { kind: 'redacted', count: redacted, requestId: scope?.requestId });
  }
  return out;
}

function strict(attributes: object, policy: Policy): Record<string, unknown> {
  const out = redact(attributes, { zeroRetention: true, policy });
  if (typeof out !== 'object' || out === null || Array.isArray(out)) return {};
  const record = out as Record<string, unknown>;
  const stack = record[STACK_KEY];
  if (typeof stack === 'string') {
    record[STACK_KEY] = framesOnly(stack, (attributes as Record<string, unknown>)[MESSAGE_KEY]);
  }
  return record;
}

/** A name (span or event) in ZRM: query values and registered content removed. */
export function redactName(name: string, policy: Policy): string {
  if (name.includes('?')) {
    const out = viaCore('url', name, policy);
    return typeof out === 'string' ? out : REDACTED;
  }
  return scrubText(name, policy);
}
