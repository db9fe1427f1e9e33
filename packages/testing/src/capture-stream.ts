import type { CapturedChunk, StreamCapture } from './types.js';

/**
 * A destination that keeps every byte written to it: pass it to pino
 * (`pino(options, captureStream())`) or any logger that calls `write`.
 */
export function captureStream(name = 'stream'): StreamCapture {
  let chunks: Uint8Array[] = [];
  const text = (): string => Buffer.concat(chunks).toString('utf8');
  return {
    name,
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Uint8Array.from(chunk));
      return true;
    },
    text,
    lines(): unknown[] {
      const out: unknown[] = [];
      for (const line of text().split('\n')) {
        if (line.trim() === '') continue;
        try {
          out.push(JSON.parse(line));
        } catch {
          // not a JSON line: kept in text(), skipped here
        }
      }
      return out;
    },
    chunks(): readonly CapturedChunk[] {
      return [{ source: name, data: Buffer.concat(chunks) }];
    },
    clear(): void {
      chunks = [];
    },
  };
}

/** `captureStream` named for pino output. */
export function capturePino(name = 'pino'): StreamCapture {
  return captureStream(name);
}
