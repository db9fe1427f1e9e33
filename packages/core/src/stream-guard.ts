import { redactConsoleText } from './console-text.js';
import { reportCrossContext } from './events.js';
import type { MessageSettings } from './message-rules.js';
import { binaryPlaceholder } from './redact-walk.js';
import { scrubString } from './scrub.js';
import { state } from './state.js';
import { REDACTED } from './taint-index.js';

type Write = (this: unknown, ...args: unknown[]) => unknown;

/** String encodings whose characters are bytes, not text: written, they are binary. */
const BYTE_ENCODINGS: ReadonlySet<string> = new Set(['hex', 'base64', 'base64url']);

/** Set while a guarded console method writes output it already made content-free. */
let consoleDepth = 0;

/** Is a guarded console method writing its content-free output (console methods call each other)? */
export function writingSafe(): boolean {
  return consoleDepth > 0;
}

/** Runs a guarded console method's write of its content-free output. */
export function writingSafeOutput<T>(fn: () => T): T {
  consoleDepth++;
  try {
    return fn();
  } finally {
    consoleDepth--;
  }
}

function bytesOf(chunk: unknown, encoding: unknown): Uint8Array | undefined {
  if (typeof chunk === 'string') {
    return typeof encoding === 'string' && BYTE_ENCODINGS.has(encoding.toLowerCase())
      ? Buffer.from(chunk, encoding as BufferEncoding)
      : undefined;
  }
  return ArrayBuffer.isView(chunk)
    ? new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
    : undefined;
}

function placeholderFor(bytes: Uint8Array): string {
  return `${binaryPlaceholder(bytes.byteLength)}${bytes[bytes.byteLength - 1] === 10 ? '\n' : ''}`;
}

/** Outside ZRM (or a guarded console call's own output): registered content removed, the chunk itself when it holds none. */
function scrubChunk(chunk: unknown, bytes: Uint8Array | undefined, sink: string): unknown {
  if (bytes === undefined) return typeof chunk === 'string' ? scrubString(chunk, sink) : chunk;
  if (state.taint.containsBytes(bytes)) {
    if (state.storage.getStore()?.zeroRetention !== true) reportCrossContext(sink);
    return placeholderFor(bytes);
  }
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const out = scrubString(text, sink);
  return out === text ? chunk : out;
}

/** The chunk to write instead of `chunk` (the same value when nothing changes). */
function safeChunk(
  chunk: unknown,
  encoding: unknown,
  settings: MessageSettings,
  sink: string,
): unknown {
  const zrm = state.storage.getStore()?.zeroRetention === true && consoleDepth === 0;
  if (!zrm && state.taint.isEmpty) return chunk;
  const bytes = bytesOf(chunk, encoding);
  if (!zrm) return scrubChunk(chunk, bytes, sink);
  if (bytes !== undefined) return placeholderFor(bytes);
  return typeof chunk === 'string' ? redactConsoleText(chunk, settings) : chunk;
}

/**
 * `stream.write`, guarded: in ZRM the chunk is made content-free (text by the
 * console rules, bytes as `[binary N bytes]`); elsewhere registered content of
 * in-flight ZRM requests is removed. Encoding and callback are passed on; a
 * failure of the guard writes a placeholder, never the chunk.
 */
export function guardStreamWrite(original: Write, settings: MessageSettings, sink: string): Write {
  return function write(this: unknown, ...args: unknown[]): unknown {
    const chunk = args[0];
    let out: unknown;
    try {
      out = safeChunk(chunk, args[1], settings, sink);
    } catch {
      out = `${REDACTED}\n`;
    }
    if (out === chunk) return original.apply(this, args);
    const rest = args.slice(1);
    // the replacement is text: a string encoding given for the original no longer applies
    if (typeof rest[0] === 'string') rest[0] = 'utf8';
    return original.call(this, out, ...rest);
  };
}
