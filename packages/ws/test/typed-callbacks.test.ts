// The policy callbacks receive the framework's own request type: this file must compile
// (`pnpm run typecheck` runs in CI), and each callback below really runs on a real server.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { isZeroRetention } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';

const closers: (() => Promise<unknown>)[] = [];
afterAll(() => Promise.all(closers.map((close) => close())));

describe('typed policy callbacks', () => {
  it('ws: the callbacks get the upgrade IncomingMessage', async () => {
    const server = createServer();
    const wss = new WebSocketServer({ server });
    zeroRetentionWebSocket(wss, {
      entitled: (req) => req.headers['x-plan'] === 'enterprise',
    });
    const modes: boolean[] = [];
    wss.on('connection', (ws) => {
      modes.push(isZeroRetention());
      ws.close();
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    closers.push(() => new Promise((resolve) => server.close(resolve)));
    const port = (server.address() as AddressInfo).port;
    const status = await new Promise<number>((resolve, reject) => {
      const client = new WebSocket(`ws://127.0.0.1:${port}/?enable_logging=false`);
      client.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      client.once('open', () => reject(new Error('upgraded')));
      client.once('error', () => undefined);
    });
    expect(status).toBe(403);
    expect(modes).toEqual([]);
  });
});
