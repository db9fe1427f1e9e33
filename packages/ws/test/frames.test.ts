import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type RawData } from 'ws';
import { isZeroRetention } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import { audioCanary, binaryForms, canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { closeClient, open, waitFor } from './helpers/ws-client.js';

const logs = captureLogs();
const log = logs.logger;

/** A TTS-like websocket handler: logs what it receives, also from work it starts, and on close. */
function handleConnections(wss: WebSocketServer): void {
  wss.on('connection', (ws, req) => {
    const tag = req.headers['x-tag'] ?? 'none';
    let last = '';
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) {
        const audio = data as Buffer;
        log.info({ tag }, `audio frame ${audio.toString('hex')} ${audio.toString('base64')}`);
        ws.send(JSON.stringify({ zeroRetention: isZeroRetention(), bytes: audio.length }));
        return;
      }
      const text = (data as Buffer).toString('utf8');
      last = text;
      log.info({ tag, frame: text }, `frame ${text}`);
      setTimeout(() => log.info({ tag }, `later ${text}`), 2);
      void Promise.resolve().then(() => log.info({ tag }, `promise ${text}`));
      ws.send(JSON.stringify({ zeroRetention: isZeroRetention() }));
    });
    ws.on('close', () => log.info({ tag }, `closed after ${last}`));
  });
}

interface Target {
  name: string;
  base: () => string;
}

let standalone: WebSocketServer;
let httpServer: Server;
let attached: WebSocketServer;
const targets: Target[] = [];

beforeAll(async () => {
  standalone = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  zeroRetentionWebSocket(standalone, {
    entitled: (req) => !String((req as { url?: string }).url).includes('plan=free'),
  });
  handleConnections(standalone);
  await new Promise((r) => standalone.once('listening', r));

  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  httpServer = createServer(app);
  attached = new WebSocketServer({ server: httpServer, path: '/stream' });
  zeroRetentionWebSocket(attached);
  handleConnections(attached);
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  targets.push(
    {
      name: 'standalone ws server',
      base: () => `ws://127.0.0.1:${(standalone.address() as AddressInfo).port}/stream`,
    },
    {
      name: 'ws on an Express app server',
      base: () => `ws://127.0.0.1:${(httpServer.address() as AddressInfo).port}/stream`,
    },
  );
});

afterAll(async () => {
  await new Promise<void>((r) => standalone.close(() => r()));
  await new Promise<void>((r) => attached.close(() => r()));
  httpServer.closeAllConnections();
  await new Promise<void>((r) => httpServer.close(() => r()));
});

const linesOf = (tag: string) => logs.lines.filter((l) => l.includes(tag));

describe.each([
  ['standalone ws server', 0],
  ['ws on an Express app server', 1],
] as const)('frames on a %s', (_name, index) => {
  describe.each([
    ['ZRM', '&enable_logging=false', true],
    ['ordinary', '', false],
  ] as const)('%s connection', (_mode, flag, zrm) => {
    it(`${zrm ? 'drops' : 'keeps'} canaries of JSON and plain text frames in message, timer, promise and close handlers`, async () => {
      const tag = canary('tag').slice(7);
      const inJson = canary('json');
      const inText = canary('text');
      const client = await open(`${targets[index]!.base()}?v=1${flag}`, { 'x-tag': tag });
      client.ws.send(JSON.stringify({ text: inJson, voice_settings: { stability: 0.5 } }));
      // no run of 16 characters in common with the other mode's frame: in-flight ZRM content is scrubbed everywhere
      client.ws.send(`${inText} (${zrm ? 'zrm' : 'ordinary'})`);
      await waitFor(() => client.received.length >= 2);
      expect(client.received.map((m) => JSON.parse(m) as unknown)).toEqual([
        { zeroRetention: zrm },
        { zeroRetention: zrm },
      ]);
      await closeClient(client.ws);
      const markers = ['frame', 'later', 'promise', 'closed after'];
      await waitFor(() => markers.every((m) => linesOf(tag).some((l) => l.includes(m))));
      const text = logs.text();
      for (const probe of [inJson, inText]) {
        if (zrm) expect(text).not.toContain(probe);
        else expect(text).toContain(probe);
      }
    });

    it(`${zrm ? 'drops' : 'keeps'} the bytes of a binary audio frame`, async () => {
      const tag = canary('tag').slice(7);
      const audio = audioCanary(2048);
      const client = await open(`${targets[index]!.base()}?v=1${flag}`, { 'x-tag': tag });
      client.ws.send(audio);
      await waitFor(() => client.received.length >= 1);
      expect(JSON.parse(client.received[0]!)).toEqual({ zeroRetention: zrm, bytes: audio.length });
      await closeClient(client.ws);
      await waitFor(() => linesOf(tag).some((l) => l.includes('audio frame')));
      for (const probe of binaryForms(audio)) {
        if (zrm) expect(logs.text()).not.toContain(probe);
        else expect(logs.text()).toContain(probe);
      }
    });
  });
});

describe('turning ZRM on mid-session', () => {
  it('turns ZRM on from a message field, never off, and drops everything from that message on', async () => {
    const tag = canary('tag').slice(7);
    const before = canary('before');
    const during = canary('during');
    const after = canary('after');
    const client = await open(targets[0]!.base(), { 'x-tag': tag });
    client.ws.send(JSON.stringify({ text: before }));
    client.ws.send(JSON.stringify({ text: during, enable_logging: false }));
    client.ws.send(JSON.stringify({ text: after, enable_logging: true }));
    await waitFor(() => client.received.length >= 3);
    expect(client.received.map((m) => JSON.parse(m) as unknown)).toEqual([
      { zeroRetention: false },
      { zeroRetention: true },
      { zeroRetention: true },
    ]);
    await closeClient(client.ws);
    await waitFor(() => linesOf(tag).some((l) => l.includes('closed after')));
    expect(logs.text()).toContain(before);
    expect(logs.text()).not.toContain(during);
    expect(logs.text()).not.toContain(after);
  });

  it('closes with 1008 invalid_enable_logging on a garbled flag, without delivering or logging the message', async () => {
    const tag = canary('tag').slice(7);
    const secret = canary('garbled');
    const client = await open(targets[0]!.base(), { 'x-tag': tag });
    const closed = new Promise<[number, string]>((r) =>
      client.ws.once('close', (code, reason) => r([code, reason.toString()])),
    );
    client.ws.send(JSON.stringify({ text: secret, enable_logging: 'nope' }));
    expect(await closed).toEqual([1008, 'invalid_enable_logging']);
    await waitFor(() => linesOf(tag).some((l) => l.includes('closed after')));
    expect(linesOf(tag).some((l) => l.includes('"msg":"frame'))).toBe(false);
    expect(logs.text()).not.toContain(secret);
  });

  it('closes with 1008 zero_retention_not_allowed when a principal that is not entitled asks mid-session', async () => {
    const tag = canary('tag').slice(7);
    const secret = canary('unentitled');
    const client = await open(`${targets[0]!.base()}?plan=free`, { 'x-tag': tag });
    const closed = new Promise<[number, string]>((r) =>
      client.ws.once('close', (code, reason) => r([code, reason.toString()])),
    );
    client.ws.send(JSON.stringify({ text: secret, enable_logging: false }));
    expect(await closed).toEqual([1008, 'zero_retention_not_allowed']);
    await waitFor(() => linesOf(tag).some((l) => l.includes('closed after')));
    expect(logs.text()).not.toContain(secret);
  });
});

describe('isolation between connections', () => {
  it('keeps interleaved ZRM and ordinary connections apart: 20 of each, 5 frames each', async () => {
    const zrmSecrets: string[] = [];
    const ordinarySecrets: string[] = [];
    const clients = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        open(`${targets[i % 2]!.base()}${i % 4 < 2 ? '?enable_logging=false' : ''}`, {
          'x-tag': `iso${i}`,
        }),
      ),
    );
    for (let round = 0; round < 5; round++) {
      clients.forEach((client, i) => {
        const secret = canary(i % 4 < 2 ? 'iso-zrm' : 'iso-ordinary');
        (i % 4 < 2 ? zrmSecrets : ordinarySecrets).push(secret);
        client.ws.send(JSON.stringify({ text: secret }));
      });
    }
    await waitFor(() => clients.every((c) => c.received.length >= 5));
    await Promise.all(clients.map((c) => closeClient(c.ws)));
    // each frame is logged three times (message, timer, promise): wait for the last of them
    const laterLines = () =>
      logs.lines.filter((l) => l.includes('"msg":"later ') && l.includes('"tag":"iso')).length;
    await waitFor(() => laterLines() >= 200);
    const text = logs.text();
    expect(zrmSecrets.filter((s) => text.includes(s))).toEqual([]);
    expect(ordinarySecrets.filter((s) => !text.includes(s))).toEqual([]);
  });
});
