import {
  currentScope,
  encodedTextRegistered,
  inFlightTaintCount,
  isTainted,
  isTaintedBytes,
  reportCrossContext,
} from '@zrm/core';
import type { HistoryItem } from './types.js';

function bytesOf(value: unknown): Buffer | undefined {
  if (ArrayBuffer.isView(value))
    return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  return undefined;
}

/**
 * Every string the metadata is stored as, at any depth: keys, string values
 * (jsonb keeps them unescaped, so they are checked as they are, not inside
 * escaped JSON), numbers as JSON writes them; binary values are collected
 * whole instead of as the number arrays JSON would make of them. Walked by
 * `JSON.stringify` itself, so `toJSON` and skipped values match what is stored.
 */
function metadataParts(metadata: unknown, strings: string[], binaries: Buffer[]): void {
  JSON.stringify(metadata, function (this: unknown, key: string, value: unknown): unknown {
    if (key !== '') strings.push(key);
    const bytes = bytesOf((this as Record<string, unknown>)[key]);
    if (bytes !== undefined) {
      binaries.push(bytes);
      return null;
    }
    if (typeof value === 'string') strings.push(value);
    else if (typeof value === 'number' && Number.isFinite(value)) strings.push(String(value));
    return value;
  });
}

/**
 * Text forms of bytes as `markSensitive` registers binary content (hex, and
 * base64 / base64url at each byte alignment, unpadded), so that audio is caught
 * whether its request registered the bytes or the base64 string they came in.
 * Made one at a time: a clean item pays for each, a tainted one stops early.
 */
function* binaryForms(bytes: Buffer): Generator<string> {
  yield bytes.toString('hex');
  for (let offset = 0; offset < 3 && offset < bytes.length; offset++) {
    const slice = bytes.subarray(offset);
    yield slice.toString('base64').replace(/=+$/, '');
    yield slice.toString('base64url');
  }
}

/** A field as a string or bytes to look at; a field of any other kind cannot be read. */
function collect(value: unknown, strings: string[], binaries: Buffer[]): void {
  if (value === undefined || value === null) return;
  if (typeof value === 'string') {
    strings.push(value);
    return;
  }
  const bytes = bytesOf(value);
  if (bytes === undefined) throw new TypeError('history item field of an unknown kind');
  binaries.push(bytes);
}

function readsTainted(item: HistoryItem): boolean {
  const strings: string[] = [];
  const binaries: Buffer[] = [];
  for (const value of [item.text, item.requestId, item.voiceId, item.modelId, item.audio])
    collect(value, strings, binaries);
  if (item.metadata !== undefined && item.metadata !== null)
    metadataParts(item.metadata, strings, binaries);
  if (strings.some((text) => isTainted(text))) return true;
  for (const bytes of binaries) if (isTaintedBytes(bytes)) return true;
  // text forms only when a request registered encoded bytes as text (audio sent as base64):
  // making and scanning seven forms of every ordinary upload costs milliseconds
  if (!encodedTextRegistered()) return false;
  for (const bytes of binaries)
    for (const form of binaryForms(bytes)) if (isTainted(form)) return true;
  return false;
}

/**
 * Does the item carry content registered by an in-flight ZRM request (in its
 * grace period too)? Asked of every write made outside a ZRM scope: a buffer or
 * worker created by another request, or by none, may carry a ZRM request's
 * content. Fails closed: an item that cannot be read (a throwing getter, a
 * revoked Proxy, a field of an unknown kind, metadata JSON cannot write)
 * counts as carrying it. `owner` is not looked at: a tenant named in a ZRM
 * request's query must keep its ordinary history.
 */
export function carriesTaint(item: HistoryItem): boolean {
  // nothing registered by any request: nothing to find, and nothing to pay
  if (inFlightTaintCount() === 0) return false;
  try {
    return readsTainted(item);
  } catch {
    return true;
  }
}

/**
 * Counts a write refused because it carried an in-flight ZRM request's
 * content: a `cross-context` event (sink `history`) and, when it was made in a
 * scope, that scope's `blockedWrites`. Content-free.
 */
export function countCrossContextBlock(): void {
  const scope = currentScope();
  if (scope !== undefined) scope.counters.blockedWrites++;
  reportCrossContext('history');
}
