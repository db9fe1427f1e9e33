import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import type { RawData, WebSocket } from 'ws';
import type { Services } from './services.js';

/** A websocket route's handler of one accepted connection (run in its `@zrm/ws` scope). */
export type ConnectionHandler = (
  services: Services,
  logger: Logger,
  socket: WebSocket,
  req: IncomingMessage,
) => void;

/** A received frame as a JSON object; undefined for anything else (content-free: nothing is quoted). */
export function parseJsonMessage(data: RawData): Record<string, unknown> | undefined {
  try {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const value: unknown = JSON.parse(bytes.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Sends a JSON message unless the socket is already closing. */
export function sendJson(socket: WebSocket, message: unknown): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

/** Closes with a policy-violation code whose reason is an error code (never content). */
export function closeWith(socket: WebSocket, code: string): void {
  socket.close(1008, code);
}
