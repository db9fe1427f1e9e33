import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ZrmError } from '@zrm/core';

/** Listens on host:port (0: a free one) and returns the port; a failure names the receiver, not a value. */
export async function listen(
  server: Server,
  host: string,
  port: number,
  what: string,
): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ZrmError(
          'invalid_request',
          `${what} could not listen on ${host}:${port} (${error.code ?? 'error'}).`,
          { param: 'port' },
        ),
      ),
    );
    server.listen(port, host, () => resolve());
  });
  return (server.address() as AddressInfo).port;
}
