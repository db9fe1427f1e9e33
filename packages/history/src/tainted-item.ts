import { currentScope, isTainted } from '@zrm/core';
import { inFlightTaintCount, isTaintedBytes, reportCrossContext } from '@zrm/core/adapter';
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
  // compared as bytes, and in their text forms while a request registered audio as base64 text
  return binaries.some((bytes) => isTaintedBytes(bytes));
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
