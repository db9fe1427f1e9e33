import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { currentScope, isTainted, isZeroRetention, type ZrmScope } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import { canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { closeClient, open, waitFor } from './helpers/ws-client.js';

describe('connection scope lifetime and noServer mode', () => {
  it('routes noServer upgrades of an Express server through the adapter and releases taint when the socket closes', async () => {
    const logs = captureLogs();
    const app = express();
    const server = createServer(app);
    const wss = zeroRetentionWebSocket(new WebSocketServer({ noServer: true }), {
      taint: { graceMs: 0 },
    });
    const scopes: ZrmScope[] = [];
    wss.on('connection', (ws: WebSocket) => {
      scopes.push(currentScope()!);
      ws.on('message', (data: RawData) => {
        logs.logger.info(`got ${(data as Buffer).toString()}`);
        ws.send(JSON.stringify({ zeroRetention: isZeroRetention() }));
      });
      ws.on('close', (_code: number, reason: Buffer) =>
        logs.logger.info(`closed because ${reason.toString()}`),
      );
    });
    server.on('upgrade', (req, socket, head) => {
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/stream?enable_logging=false`;
      const client = await open(url);
      const frame = canary('frame');
      const reason = canary('reason');
      client.ws.send(`speak ${frame}`);
      await waitFor(() => client.received.length === 1);
      expect(JSON.parse(client.received[0]!)).toEqual({ zeroRetention: true });
      const scope = scopes[0]!;
      expect(isTainted(frame)).toBe(true);
      client.ws.close(1000, reason);
      await waitFor(() => logs.text().includes('closed because'));
      await waitFor(() => scope.ended && !isTainted(frame));
      expect(logs.text()).toContain('got ');
      expect(logs.text()).not.toContain(frame);
      expect(logs.text()).not.toContain(reason);
    } finally {
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses to be installed twice on the same server', () => {
    const wss = new WebSocketServer({ noServer: true });
    zeroRetentionWebSocket(wss);
    expect(() => zeroRetentionWebSocket(wss)).toThrow(TypeError);
    wss.close();
  });

  it('ignores the message flag when messageFlag is false', async () => {
    const wss = zeroRetentionWebSocket(new WebSocketServer({ port: 0, host: '127.0.0.1' }), {
      messageFlag: false,
    });
    wss.on('connection', (ws: WebSocket) =>
      ws.on('message', () => ws.send(JSON.stringify({ zeroRetention: isZeroRetention() }))),
    );
    await new Promise((r) => wss.once('listening', r));
    try {
      const client = await open(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`);
      client.ws.send(JSON.stringify({ enable_logging: false }));
      await waitFor(() => client.received.length === 1);
      expect(JSON.parse(client.received[0]!)).toEqual({ zeroRetention: false });
      await closeClient(client.ws);
    } finally {
      await new Promise<void>((r) => wss.close(() => r()));
    }
  });
});
