import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { zeroRetentionHandler, type ZeroRetentionHttpOptions } from '@zrm/http';

export { audioCanary, binaryForms, canary } from '../../../express/test/helpers/canary.js';
export { captureLogs } from '../../../express/test/helpers/log-capture.js';
export { listen, waitFor, type Running } from '../../../express/test/helpers/server.js';

/** The whole body as a Buffer, read as a plain handler reads it. */
export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The parts of a `multipart/form-data` body by name (a plain handler's own parser). */
export function multipartParts(req: IncomingMessage, body: Buffer): Map<string, Buffer> {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
  const marker = `--${boundary?.[1] ?? boundary?.[2]}`;
  const parts = new Map<string, Buffer>();
  const latin = body.toString('latin1');
  for (let at = latin.indexOf(marker); at >= 0;) {
    const next = latin.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = latin.slice(at + marker.length, next);
    const head = part.indexOf('\r\n\r\n');
    const name = /name="([^"]+)"/.exec(part.slice(0, head))?.[1];
    if (name !== undefined && head >= 0)
      parts.set(name, Buffer.from(part.slice(head + 4, part.length - 2), 'latin1'));
    at = next;
  }
  return parts;
}

type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => unknown;

/**
 * A plain node:http app as the README wires it: a request logger attached
 * before the wrapper (pino-http outside: its `request completed` line logs
 * the raw URL on `finish`), `zeroRetentionHandler` (or nothing: the positive
 * control), and a handler running pino-http for `req.log`, then the route.
 */
export function plainApp(
  logger: Logger,
  routes: Record<string, Route>,
  zrm: ZeroRetentionHttpOptions | false = {},
): (req: IncomingMessage, res: ServerResponse) => void {
  const outer = pinoHttp({
    logger,
    customProps: (req) => ({ tag: req.headers['x-tag'], at: 'outer' }),
  });
  const inner = pinoHttp({ logger, customProps: (req) => ({ tag: req.headers['x-tag'] }) });
  const handler = (req: IncomingMessage, res: ServerResponse): unknown => {
    inner(req, res);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = routes[url.pathname];
    if (route === undefined) {
      res.statusCode = 404;
      res.end();
      return undefined;
    }
    return route(req, res, url);
  };
  const listener = zrm === false ? handler : zeroRetentionHandler(handler, zrm);
  return (req, res) => {
    outer(req, res);
    void listener(req, res);
  };
}
