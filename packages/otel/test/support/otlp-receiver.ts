import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A loopback OTLP/HTTP endpoint that keeps the raw bytes of every request it receives. */
export interface OtlpReceiver {
  readonly url: string;
  /** Every received body (decompressed), as text, per path (`/v1/traces`, `/v1/logs`). */
  received(path?: string): string;
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: { path: string; text: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      bodies.push({ path: req.url ?? '', text: raw.toString('latin1') });
      // an empty response message in the request's encoding (an empty protobuf message is no bytes)
      const protobuf = String(req.headers['content-type']).includes('protobuf');
      res.writeHead(200, {
        'content-type': protobuf ? 'application/x-protobuf' : 'application/json',
      });
      res.end(protobuf ? '' : '{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received: (path) =>
      bodies
        .filter((b) => path === undefined || b.path === path)
        .map((b) => b.text)
        .join('\n'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
