import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { listen } from './listen.js';
import type {
  CapturedChunk,
  ReceivedEnvelope,
  SentryReceiver,
  SentryReceiverOptions,
} from './types.js';

const ENVELOPE_PATH = /^\/api\/[A-Za-z0-9_-]{1,64}\/envelope\/?$/;

function decompress(body: Buffer, encoding: string): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(body);
    if (encoding === 'br') return brotliDecompressSync(body);
    if (encoding === 'deflate') return inflateSync(body);
  } catch {
    // undecodable: the raw bytes are still kept and scanned
  }
  return body;
}

/** Sentry's envelope format: a header line, then item headers each followed by their payload. */
export function parseEnvelope(bytes: Buffer): Pick<ReceivedEnvelope, 'headers' | 'items'> {
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

function parsed(bytes: Buffer): Pick<ReceivedEnvelope, 'headers' | 'items'> {
  try {
    return parseEnvelope(bytes);
  } catch {
    // not an envelope: its bytes are still kept and scanned
    return { headers: {}, items: [] };
  }
}

/**
 * A Sentry ingest on loopback: accepts envelopes (`POST /api/<project>/envelope/`,
 * gzip, deflate or br encoded too), answers 200 `{}`, and keeps every
 * envelope's raw and decoded bytes for scanning.
 */
export async function startSentryReceiver(
  options: SentryReceiverOptions = {},
): Promise<SentryReceiver> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  const envelopes: ReceivedEnvelope[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    if (req.method !== 'POST' || !ENVELOPE_PATH.test(path)) {
      req.resume();
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not a Sentry envelope endpoint"}');
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size <= maxBodyBytes) parts.push(part);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (size > maxBodyBytes) {
        res.writeHead(413, { 'content-type': 'application/json' });
        res.end('{"error":"body too large"}');
        return;
      }
      const raw = Buffer.concat(parts);
      const bytes = decompress(raw, String(req.headers['content-encoding'] ?? '').toLowerCase());
      envelopes.push({ path, raw, bytes, ...parsed(bytes) });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  };

  const server = createServer(handle);
  const port = await listen(server, host, options.port ?? 0, 'Sentry receiver');
  return {
    name: 'sentry',
    port,
    dsn: `http://public@${host}:${port}/${options.project ?? '1'}`,
    envelopes,
    chunks(): CapturedChunk[] {
      return envelopes.flatMap((envelope, i) => {
        const source = `sentry:envelope#${i}`;
        const chunks: CapturedChunk[] = [{ source, data: envelope.bytes }];
        if (envelope.raw !== envelope.bytes)
          chunks.push({ source: `${source} (raw)`, data: envelope.raw });
        return chunks;
      });
    },
    clear(): void {
      envelopes.length = 0;
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
