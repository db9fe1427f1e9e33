import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isZrmError } from '@zrm/core';

/** Answers a refused upgrade with a content-free JSON error and closes the socket. */
export function refuseUpgrade(socket: Duplex, error: unknown): void {
  const status = isZrmError(error) ? error.status : 500;
  const body = isZrmError(error)
    ? error.toJSON()
    : { error: { code: 'internal_error', message: 'The request could not be processed.' } };
  const text = JSON.stringify(body);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.once('finish', () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      'Cache-Control: no-store\r\n' +
      `\r\n${text}`,
  );
}
