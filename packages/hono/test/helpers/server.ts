import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';

export interface Running {
  url: string;
  close(): Promise<void>;
}

/** Serves a Hono app with `@hono/node-server` on a random loopback port. */
export async function serveApp(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Env
  app: Hono<any, any, any>,
): Promise<Running> {
  let server!: Server;
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve()) as Server;
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export { captureLogs, type LogCapture } from '../../../express/test/helpers/log-capture.js';
export { waitFor } from '../../../express/test/helpers/server.js';
export { canary, audioCanary, binaryForms } from '../../../express/test/helpers/canary.js';
