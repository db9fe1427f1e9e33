import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { errorOf } from './http-request.js';
import type { Observed } from './types.js';

/** What the client sees next: a message from the server, or the connection closing. */
export type Next = { message: string } | { close: { code: number; reason: string } };

export interface Connection {
  ws: WebSocket;
  /** The 101 response's headers. */
  headers: IncomingMessage['headers'];
  /** Sends a JSON message and waits for the answer or the close. */
  request(message: object): Promise<Next>;
  close(): Promise<void>;
}

/** The refusal of an upgrade, read like an HTTP error answer. */
function refused(status: number, body: string, headers: IncomingMessage['headers']): Observed {
  const error = errorOf(body);
  const header = (name: string) => (typeof headers[name] === 'string' ? headers[name] : null);
  return {
    status,
    mode: undefined,
    code: error.code,
    param: error.param,
    closeCode: undefined,
    errorText: body,
    zeroRetentionHeader: header('zero-retention'),
    cacheControl: header('cache-control'),
  };
}

/** Opens a real ws client; resolves to the open connection or the refused upgrade. */
export function connect(
  url: string,
  headers: Record<string, string>,
): Promise<Connection | Observed> {
  const ws = new WebSocket(url, { headers });
  const queue: Next[] = [];
  let wake: (() => void) | undefined;
  const push = (next: Next) => {
    queue.push(next);
    wake?.();
  };
  ws.on('message', (data: Buffer) => push({ message: data.toString('utf8') }));
  ws.on('close', (code, reason) => push({ close: { code, reason: String(reason) } }));
  const next = async (): Promise<Next> => {
    while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    const head = queue[0]!;
    // a close stays at the head: every later read sees it too
    if ('message' in head) queue.shift();
    return head;
  };
  return new Promise((resolve, reject) => {
    ws.once('upgrade', (res: IncomingMessage) => {
      ws.once('open', () =>
        resolve({
          ws,
          headers: res.headers,
          request(message) {
            ws.send(JSON.stringify(message));
            return next();
          },
          async close() {
            if (ws.readyState === WebSocket.CLOSED) return;
            const closed = new Promise((r) => ws.once('close', r));
            ws.close();
            await closed;
          },
        }),
      );
    });
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        resolve(refused(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), res.headers));
        ws.terminate();
      });
    });
    ws.on('error', reject);
  });
}

/** A 1008 close read as a refusal: the reason is the error code. */
export function closedWith(close: { code: number; reason: string }): Observed {
  return {
    status: undefined,
    mode: undefined,
    code: close.reason,
    param: undefined,
    closeCode: close.code,
    errorText: close.reason,
    zeroRetentionHeader: undefined,
    cacheControl: undefined,
  };
}

export const modeOf = (message: string): 'zrm' | 'ordinary' =>
  (JSON.parse(message) as { zeroRetention: boolean }).zeroRetention ? 'zrm' : 'ordinary';
