import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { listen } from './listen.js';
import type {
  CapturedChunk,
  CapturedSink,
  OtlpReceiver,
  OtlpReceiverOptions,
  OtlpRequest,
  OtlpSignal,
} from './types.js';

const PATHS: Record<string, OtlpSignal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};

function decode(raw: Buffer, encoding: string): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(raw);
    if (encoding === 'deflate') return inflateSync(raw);
  } catch {
    // undecodable: the raw bytes are still scanned
  }
  return raw;
}

function reply(res: ServerResponse, status: number, json: boolean, body?: string): void {
  const payload = json ? (body ?? '{}') : '';
  res.writeHead(status, {
    'content-type': json ? 'application/json' : 'application/x-protobuf',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}

function chunksOf(requests: readonly OtlpRequest[], prefix: string): CapturedChunk[] {
  const out: CapturedChunk[] = [];
  requests.forEach((request, i) => {
    const source = `${prefix}otlp:${request.signal}#${i}`;
    out.push({ source, data: request.body });
    if (request.body !== request.raw) out.push({ source: `${source} (raw)`, data: request.raw });
  });
  return out;
}

/**
 * An OTLP/HTTP receiver on loopback: accepts protobuf and JSON bodies on
 * /v1/traces, /v1/logs and /v1/metrics (gzip or deflate encoded too), answers
 * success, and keeps every body's raw and decoded bytes for scanning.
 */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const host = options.host ?? '127.0.0.1';
  const maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
  let requests: OtlpRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    const signal = PATHS[path];
    const contentType = String(req.headers['content-type'] ?? '').toLowerCase();
    const json = contentType.includes('json');
    if (signal === undefined || req.method !== 'POST') {
      req.resume();
      reply(res, signal === undefined ? 404 : 405, true, '{"error":"not an OTLP/HTTP endpoint"}');
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (part: Buffer) => {
      size += part.length;
      if (size > maxBodyBytes) tooLarge = true;
      else parts.push(part);
    });
    req.on('error', () => res.destroy());
    req.on('end', () => {
      if (tooLarge) {
        reply(res, 413, true, '{"error":"body too large"}');
        return;
      }
      const raw = Buffer.concat(parts);
      const contentEncoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
      requests.push({
        signal,
        contentType,
        contentEncoding,
        raw,
        body: decode(raw, contentEncoding),
      });
      // An empty Export*ServiceResponse is zero protobuf bytes or `{}`: full success.
      reply(res, 200, json);
    });
  };

  const server = createServer(handle);
  const port = await listen(server, host, options.port ?? 0, 'OTLP receiver');
  const url = `http://${host}:${port}`;

  return {
    name: 'otlp',
    port,
    url,
    get requests(): readonly OtlpRequest[] {
      return requests;
    },
    chunks: () => chunksOf(requests, ''),
    signal(signal: OtlpSignal): CapturedSink {
      return {
        name: `otlp:${signal}`,
        chunks: () =>
          chunksOf(
            requests.filter((r) => r.signal === signal),
            '',
          ),
      };
    },
    clear(): void {
      requests = [];
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
