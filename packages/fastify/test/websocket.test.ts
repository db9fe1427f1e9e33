import { randomBytes } from 'node:crypto';
import websocket from '@fastify/websocket';
import { isZeroRetention } from '@zrm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { canary, createApp, settleLogs, type TestApp } from './helpers.js';

let t: TestApp;
let wsUrl: string;
const modes: boolean[] = [];

beforeAll(async () => {
  t = await createApp({}, async (app) => {
    await app.register(websocket);
    app.get('/tts/stream', { websocket: true }, (socket, request) => {
      socket.on('message', (data: Buffer, isBinary: boolean) => {
        modes.push(isZeroRetention());
        const text = isBinary ? data.toString('hex') : data.toString('utf8');
        // the handler logs the frame from the socket's callback, where the async context would be lost
        setTimeout(() => {
          request.log.info({ frame: { value: text } }, `frame received: ${text}`);
          socket.send(JSON.stringify({ zeroRetention: request.zeroRetention }));
        }, 1);
      });
    });
  });
  wsUrl = t.url.replace('http://', 'ws://');
});
afterAll(() => t.app.close());

function exchange(url: string, frames: (string | Buffer)[]): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const answers: unknown[] = [];
    socket.on('open', () => {
      for (const frame of frames) socket.send(frame);
    });
    socket.on('message', (data: Buffer) => {
      answers.push(JSON.parse(data.toString()));
      if (answers.length === frames.length) socket.close();
    });
    socket.on('close', () => resolve(answers));
    socket.on('error', reject);
  });
}

describe.each([
  ['ZRM', '?enable_logging=false', false],
  ['ordinary', '', true],
])('@fastify/websocket route, %s connection', (_mode, query, kept) => {
  it(`${kept ? 'keeps' : 'drops'} canaries of text and binary frames, logged from message handlers that keep the scope`, async () => {
    modes.length = 0;
    const text = canary();
    // random bytes only: a fixed label in both modes' audio would share a hex run with the other mode's
    const audio = randomBytes(24);
    const answers = await exchange(`${wsUrl}/tts/stream${query}`, [text, audio]);
    expect(answers).toEqual([{ zeroRetention: !kept }, { zeroRetention: !kept }]);
    expect(modes).toEqual([!kept, !kept]);
    await settleLogs();
    expect(t.logs.text()).toContain('frame received');
    for (const secret of [text, audio.toString('hex')]) {
      if (kept) expect(t.logs.text()).toContain(secret);
      else expect(t.logs.text()).not.toContain(secret);
    }
  });
});

describe('@fastify/websocket upgrade', () => {
  it('refuses an upgrade with an invalid enable_logging with 400 and a content-free body', async () => {
    const value = canary();
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new WebSocket(`${wsUrl}/tts/stream?enable_logging=${value}`);
      socket.on('unexpected-response', (req, res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body });
        });
      });
      socket.on('open', () => reject(new Error('upgrade was accepted')));
      socket.on('error', () => undefined);
    });
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'invalid_enable_logging' } });
    expect(refused.body).not.toContain(value);
    await settleLogs();
    expect(t.logs.text()).not.toContain(value);
  });
});
