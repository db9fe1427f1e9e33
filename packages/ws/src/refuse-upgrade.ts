import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorResponse } from '@zrm/core/adapter';

/** Answers a refused upgrade with a content-free JSON error and closes the socket. */
export function refuseUpgrade(socket: Duplex, error: unknown): void {
  const { status, text, headers } = errorResponse(error);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      `Content-Type: ${headers['content-type']}\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      `Cache-Control: ${headers['cache-control']}\r\n` +
      `\r\n${text}`,
  );
}
