import { decodeComponent } from './decode.js';
import { reportCrossContext } from './events.js';
import { state } from './state.js';
import { REDACTED } from './taint-index.js';
import type { Policy, RedactOptions } from './types.js';

/**
 * Removes registered content of every in-flight ZRM request from `text`, in
 * any context: a ZRM scope, an ordinary one, an ended one or none (a resource
 * keeps the context of whoever created it, not of the request whose data it
 * carries). Text with no registered content comes back as it is. A removal
 * outside a ZRM scope is counted as `cross-context` for `sink`.
 */
export function scrubString(text: string, sink?: string): string {
  const out = state.taint.scrub(text);
  if (out !== text && state.storage.getStore()?.zeroRetention !== true) reportCrossContext(sink);
  return out;
}

/**
 * `scrubString` for a JSON text (a log line, an exported body): only its
 * string tokens are scanned, which is what makes a line written while ZRM
 * requests are in flight cheap. A text that is not a JSON object or array is
 * scanned whole.
 */
export function scrubJson(text: string, sink?: string): string {
  // before any read of the text: reading a character of a string pino built by concatenation flattens it
  if (state.taint.isEmpty) return text;
  const first = text.charCodeAt(0);
  const out = first === 123 || first === 91 ? state.taint.scrubJson(text) : state.taint.scrub(text);
  if (out !== text && state.storage.getStore()?.zeroRetention !== true) reportCrossContext(sink);
  return out;
}

/**
 * `isTainted` for a sink's hot path: a short text found clean is remembered
 * until content is next registered (message templates, routes and ids repeat
 * on every line). Texts are remembered only while ZRM requests are in flight.
 */
export function isTaintedRemembering(text: string): boolean {
  return state.taint.containsRemembering(text);
}

/**
 * For sinks that store bytes (history audio): true when `bytes` holds a run of
 * a binary value an in-flight ZRM request registered, compared byte for byte
 * (no text form is made), or — while a request registered encoded bytes as
 * text (audio sent as base64) — when a text form of `bytes` holds that text.
 */
export function isTaintedBytes(bytes: Uint8Array): boolean {
  return state.taint.containsBytes(bytes);
}

/** Did an in-flight ZRM request register a text that is encoded bytes (a long base64 or hex run)? */
export function encodedTextRegistered(): boolean {
  return state.taint.holdsEncodedText;
}

/** True when `text` holds registered content of an in-flight ZRM scope. */
export function isTainted(text: string): boolean {
  return state.taint.contains(text);
}

/** A malformed escape is kept as written (it is scanned as it is). */
function decode(part: string): string {
  return decodeComponent(part) ?? part;
}

/** Query values (all but the policy's safe ones) and tainted path segments, redacted. */
export function scrubUrlWith(url: string, zeroRetention: boolean, policy: Policy): string {
  const hashAt = url.indexOf('#');
  const withoutHash = hashAt >= 0 ? url.slice(0, hashAt) : url;
  const q = withoutHash.indexOf('?');
  const head = q >= 0 ? withoutHash.slice(0, q) : withoutHash;
  const query = q >= 0 ? withoutHash.slice(q + 1) : undefined;
  const taint = state.taint;
  let path = head;
  if (!taint.isEmpty) {
    path = head
      .split('/')
      .map((segment) => (taint.contains(decode(segment)) ? REDACTED : taint.scrub(segment)))
      .join('/');
  }
  let out = path;
  if (query !== undefined) {
    const pairs = query.split('&').map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq >= 0 ? pair.slice(0, eq) : pair;
      const value = eq >= 0 ? pair.slice(eq + 1) : undefined;
      const decodedName = decode(name);
      const safeName = taint.isEmpty ? name : taint.contains(decodedName) ? REDACTED : name;
      if (value === undefined) return safeName;
      const keep = zeroRetention
        ? policy.safeQueryParams.has(decodedName.toLowerCase()) && !taint.contains(decode(value))
        : !taint.contains(decode(value));
      return `${safeName}=${keep ? value : REDACTED}`;
    });
    out += `?${pairs.join('&')}`;
  }
  if (hashAt >= 0) out += zeroRetention ? '' : taint.scrub(url.slice(hashAt));
  return out;
}

/**
 * A URL or path safe to log: in ZRM every query value except the policy's safe
 * parameters is redacted, and tainted path segments are replaced. Outside ZRM
 * (any other context) only registered content of in-flight ZRM requests is
 * removed, counted as `cross-context` for `sink`. `options` decides the mode
 * and policy instead of the current scope (a sink that judges a record by
 * whose it is, not by the context that writes it).
 */
export function scrubUrl(
  url: string,
  sink?: string,
  options?: Pick<RedactOptions, 'zeroRetention' | 'policy'>,
): string {
  const scope = state.storage.getStore();
  const zrm = (options?.zeroRetention ?? scope?.zeroRetention) === true;
  if (!zrm && state.taint.isEmpty) return url;
  const out = scrubUrlWith(url, zrm, options?.policy ?? scope?.policy ?? state.defaultPolicy);
  if (!zrm && out !== url) reportCrossContext(sink);
  return out;
}
