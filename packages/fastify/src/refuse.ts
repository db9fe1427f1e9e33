import { ZrmError } from '@zrm/core';
import type { FastifyReply } from 'fastify';

/** Answers with the error's status and its content-free JSON body; the response is never cacheable. */
export function refuseRequest(reply: FastifyReply, error: ZrmError): void {
  if (reply.request.raw.headers.upgrade !== undefined) {
    // a refused websocket upgrade: nobody else will close the connection (the upgrade hooks never ran)
    const socket = reply.request.raw.socket;
    reply.header('connection', 'close');
    reply.raw.once('finish', () => socket.destroy());
  }
  void reply.code(error.status).header('cache-control', 'no-store').send(error.toJSON());
}

/** ZRM together with a stateful parameter: 400 `zero_retention_unavailable`, naming the parameter. */
export function refuseUnavailable(reply: FastifyReply, param: string): void {
  refuseRequest(
    reply,
    new ZrmError(
      'zero_retention_unavailable',
      `The parameter "${param}" needs retained data and cannot be used in Zero Retention Mode.`,
      { param },
    ),
  );
}
