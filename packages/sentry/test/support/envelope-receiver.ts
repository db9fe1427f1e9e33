import { createServer, type Server } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** One envelope as Sentry's transport sent it: the decompressed bytes and its parsed items. */
export interface ReceivedEnvelope {
  readonly path: string;
  readonly bytes: Buffer;
  readonly headers: Record<string, unknown>;
  readonly items: readonly { header: Record<string, unknown>; payload: unknown }[];
}

export interface EnvelopeReceiver {
  /** A DSN whose envelopes come here: `http://public@127.0.0.1:PORT/1`. */
  readonly dsn: string;
  readonly envelopes: ReceivedEnvelope[];
  clear(): void;
  close(): Promise<void>;
}

function decompress(body: Buffer, encoding: string | undefined): Buffer {
  if (encoding === 'gzip') return gunzipSync(body);
  if (encoding === 'br') return brotliDecompressSync(body);
  if (encoding === 'deflate') return inflateSync(body);
  return body;
}

/** Sentry's envelope format: a header line, then item headers each followed by their payload. */
export function parseEnvelope(bytes: Buffer): Omit<ReceivedEnvelope, 'path' | 'bytes'> {
  let at = 0;
  const line = (): Buffer => {
    const end = bytes.indexOf(0x0a, at);
    const out = bytes.subarray(at, end < 0 ? bytes.length : end);
    at = end < 0 ? bytes.length : end + 1;
    return out;
  };
  const headers = JSON.parse(line().toString('utf8')) as Record<string, unknown>;
  const items: { header: Record<string, unknown>; payload: unknown }[] = [];
  while (at < bytes.length) {
    const raw = line();
    if (raw.length === 0) continue;
    const header = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    let body: Buffer;
    if (typeof header.length === 'number') {
      body = bytes.subarray(at, at + header.length);
      at += header.length + 1;
    } else {
      body = line();
    }
    const text = body.toString('utf8');
    let payload: unknown = text;
    if (header.type !== 'attachment') {
      try {
        payload = JSON.parse(text);
      } catch {
        // a raw payload stays text
      }
    }
    items.push({ header, payload });
  }
  return { headers, items };
}

/** A loopback Sentry: receives `/api/1/envelope/` POSTs (compressed or not) and keeps them. */
export async function startEnvelopeReceiver(): Promise<EnvelopeReceiver> {
  const envelopes: ReceivedEnvelope[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const bytes = decompress(Buffer.concat(chunks), req.headers['content-encoding']);
      envelopes.push({ path: req.url ?? '', bytes, ...parseEnvelope(bytes) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    dsn: `http://public@127.0.0.1:${port}/1`,
    envelopes,
    clear: () => {
      envelopes.length = 0;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
