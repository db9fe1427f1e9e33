import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Running {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Serves `app` on a random loopback port. */
export async function listen(app: RequestListener): Promise<Running> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls `check` until it is true (bounded: at most `tries` turns of 5 ms or more). */
export async function waitFor(check: () => boolean, tries = 2_000): Promise<void> {
  for (let i = 0; i < tries && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('waitFor: condition not met');
}
