import type { CapturedChunk, CapturedSink, Haystack } from './types.js';

const MAX_DEPTH = 64;

function isSink(value: object): value is CapturedSink {
  return typeof (value as CapturedSink).chunks === 'function';
}

function isChunk(value: object): value is CapturedChunk {
  const chunk = value as CapturedChunk;
  return (
    typeof chunk.source === 'string' &&
    (typeof chunk.data === 'string' || chunk.data instanceof Uint8Array)
  );
}

/** A plain value as JSON text, with binary values lifted out as chunks of their own (raw bytes). */
function serialize(value: unknown, source: string, out: CapturedChunk[]): void {
  const seen = new WeakSet<object>();
  let text: string;
  try {
    text =
      JSON.stringify(value, function (this: Record<string, unknown>, key, replaced: unknown) {
        // a Buffer's toJSON has already run: look at the holder's own value
        const item = key === '' ? value : this[key];
        if (typeof item === 'bigint') return item.toString();
        if (typeof item !== 'object' || item === null) return item;
        if (ArrayBuffer.isView(item)) {
          out.push({ source, data: new Uint8Array(item.buffer, item.byteOffset, item.byteLength) });
          return `[binary ${item.byteLength} bytes]`;
        }
        if (item instanceof ArrayBuffer) {
          out.push({ source, data: new Uint8Array(item) });
          return `[binary ${item.byteLength} bytes]`;
        }
        if (seen.has(item)) return '[circular]';
        seen.add(item);
        return replaced;
      }) ?? '';
  } catch {
    text = String(value);
  }
  out.push({ source, data: text });
}

function collect(haystack: unknown, source: string, out: CapturedChunk[], depth: number): void {
  if (depth > MAX_DEPTH || haystack === undefined || haystack === null) return;
  if (typeof haystack === 'string') out.push({ source, data: haystack });
  else if (haystack instanceof Uint8Array) out.push({ source, data: haystack });
  else if (haystack instanceof ArrayBuffer) out.push({ source, data: new Uint8Array(haystack) });
  else if (ArrayBuffer.isView(haystack)) {
    out.push({
      source,
      data: new Uint8Array(haystack.buffer, haystack.byteOffset, haystack.byteLength),
    });
  } else if (Array.isArray(haystack)) {
    haystack.forEach((item: unknown, i) => collect(item, `${source}[${i}]`, out, depth + 1));
  } else if (typeof haystack === 'object') {
    if (isSink(haystack)) for (const chunk of haystack.chunks()) out.push(chunk);
    else if (isChunk(haystack)) out.push(haystack);
    else serialize(haystack, source, out);
  } else if (
    typeof haystack === 'number' ||
    typeof haystack === 'boolean' ||
    typeof haystack === 'bigint'
  ) {
    out.push({ source, data: String(haystack) });
  }
}

/** Flattens a haystack into named chunks of text or bytes. */
export function toChunks(
  haystack: Haystack | object | string,
  source = 'haystack',
): CapturedChunk[] {
  const out: CapturedChunk[] = [];
  collect(haystack, source, out, 0);
  return out;
}
