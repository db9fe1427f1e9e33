import { serve } from '@hono/node-server';
import { afterEach } from 'vitest';
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

/** Serves one app per test: the test's server is closed after it (or earlier with `close()`). */
export function serverPerTest(): {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any app's Env
  serve(app: Hono<any, any, any>): Promise<string>;
  close(): Promise<void>;
} {
  let running: Running | undefined;
  const close = async (): Promise<void> => {
    await running?.close();
    running = undefined;
  };
  afterEach(close);
  return {
    async serve(app) {
      running = await serveApp(app);
      return running.url;
    },
    close,
  };
}

export { captureLogs, type LogCapture } from '../../../express/test/helpers/log-capture.js';
export { waitFor } from '../../../express/test/helpers/server.js';
export { canary, audioCanary, binaryForms } from '../../../express/test/helpers/canary.js';
