import type { ZrmError } from '@zrm/core';
import { errorResponse } from '@zrm/core/adapter';
import type { FastifyReply } from 'fastify';

/** Answers with the error's status and its content-free JSON body; the response is never cacheable. */
export function refuseRequest(reply: FastifyReply, error: ZrmError): void {
  if (reply.request.raw.headers.upgrade !== undefined) {
    // a refused websocket upgrade: nobody else will close the connection (the upgrade hooks never ran)
    const socket = reply.request.raw.socket;
    reply.header('connection', 'close');
    reply.raw.once('finish', () => socket.destroy());
  }
  const { status, body, headers } = errorResponse(error);
  void reply.code(status).header('cache-control', headers['cache-control']).send(body);
}
