import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData } from 'ws';
import type { PolicyOptions } from '@zrm/core';
import { isZeroRetention } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import { captureLogs, type LogCapture } from './log-capture.js';

export interface WsApp {
  /** `ws://127.0.0.1:<port>/conformance` */
  url: string;
  logs: LogCapture;
  close(): Promise<void>;
}

/**
 * A ws server on a node:http server, wired as the `@zrm/ws` README does
 * (or without the adapter: the positive control). Its handlers log through a
 * `@zrm/pino` logger: the upgrade URL once per connection, then each
 * message's text with the upgrade's `text` query value; each message is
 * answered with the handler's mode.
 */
export async function startWsApp(policy: PolicyOptions | undefined): Promise<WsApp> {
  const logs = captureLogs();
  const server = createServer();
  const wss = new WebSocketServer({ server, path: '/conformance' });
  if (policy !== undefined) zeroRetentionWebSocket(wss, policy);
  wss.on('connection', (ws, req) => {
    const url = req.url ?? '/';
    const query = new URLSearchParams(url.slice(url.indexOf('?') + 1)).get('text');
    logs.logger.info({ connection: req.headers['x-request-id'] }, `connection ${url}`);
    ws.on('message', (data: RawData) => {
      // a text frame arrives as one Buffer (ws's default binaryType)
      const message = JSON.parse((data as Buffer).toString('utf8')) as { text?: string };
      logs.logger.info(`handled query=${query} body=${message.text}`);
      ws.send(JSON.stringify({ zeroRetention: isZeroRetention() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/conformance`,
    logs,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
