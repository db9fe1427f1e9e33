import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';

export interface Opened {
  ws: WebSocket;
  headers: IncomingMessage['headers'];
  /** Messages received from the server, as text. */
  received: string[];
}

export interface Refused {
  status: number;
  body: string;
}

/** Opens a client and waits for the handshake to succeed or be refused. */
export async function connect(
  url: string,
  headers: Record<string, string> = {},
): Promise<Opened | Refused> {
  const ws = new WebSocket(url, { headers });
  const received: string[] = [];
  ws.on('message', (data: Buffer) => received.push(data.toString('utf8')));
  return new Promise((resolve, reject) => {
    ws.once('upgrade', (res: IncomingMessage) => resolve({ ws, headers: res.headers, received }));
    ws.once('unexpected-response', (_req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        ws.terminate();
      });
    });
    ws.once('error', reject);
  });
}

export async function open(url: string, headers: Record<string, string> = {}): Promise<Opened> {
  const result = await connect(url, headers);
  if (!('ws' in result)) throw new Error(`upgrade refused with ${result.status}`);
  if (result.ws.readyState !== WebSocket.OPEN) await once(result.ws, 'open');
  return result;
}

/** Closes the client and waits until the server side saw it. */
export async function closeClient(ws: WebSocket): Promise<void> {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = once(ws, 'close');
  ws.close();
  await closed;
}

/** Polls `check` until it is true (bounded: at most `tries` turns of 5 ms). */
export async function waitFor(check: () => boolean, tries = 2_000): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('waitFor: condition not met');
}
