import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import zeroRetentionPlugin from '@zrm/fastify';
import { withZeroRetention } from '@zrm/pino';
import type ExpressFactory from 'express';
import type { NextFunction, Request, Response } from 'express';
import type * as Fastify from 'fastify';
import type * as Pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { startSdk, type TestSdk } from './support/sdk.js';
import { exported } from './support/tracing.js';

// the frameworks are required after the SDK started, so that the instrumentations patch them
const require = createRequire(import.meta.url);

let receiver: OtlpReceiver;
let sdk: TestSdk;
let expressUrl: string;
let fastifyUrl: string;
const servers: Http.Server[] = [];
let closeFastify: () => Promise<void>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  sdk = startSdk(receiver.url);
  const http = require('node:http') as typeof Http;
  const express = require('express') as typeof ExpressFactory;
  const fastify = require('fastify') as typeof Fastify;
  const pino = require('pino') as typeof Pino;
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const logger = pino.pino(withZeroRetention({ level: 'info' }), sink);

  /** What a TTS handler does with the text: log it, put it on the span as a GenAI attribute and in an event. */
  const work = (text: string): void => {
    logger.info({ text }, `synthesizing ${text}`);
    const span = trace.getActiveSpan();
    span?.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', content: text }]));
    span?.addEvent('tts.chunk', { 'chunk.text': text });
  };

  const app = express();
  app.use(zeroRetention());
  app.use(express.json());
  app.post('/tts', (req: Request, res: Response) => {
    work(String((req.body as { text?: unknown }).text));
    res.json({ ok: true });
  });
  app.post('/fail', (req: Request) => {
    throw new Error(`cannot synthesize ${String((req.body as { text?: unknown }).text)}`);
  });
  app.use((err: Error, _req: Request, _res: Response, next: NextFunction) => {
    trace.getActiveSpan()?.recordException(err);
    logger.error({ err }, 'request failed');
    next(err);
  });
  app.use(zeroRetentionErrorHandler());
  const expressServer = http.createServer(app);
  await new Promise<void>((resolve) => expressServer.listen(0, '127.0.0.1', resolve));
  servers.push(expressServer);
  expressUrl = `http://127.0.0.1:${(expressServer.address() as AddressInfo).port}`;

  const fy = fastify.fastify({ loggerInstance: logger });
  await fy.register(zeroRetentionPlugin);
  fy.get('/tts', (request, reply) => {
    work(String((request.query as { text?: unknown }).text));
    void reply.send({ ok: true, zeroRetention: request.zeroRetention });
  });
  fastifyUrl = await fy.listen({ port: 0, host: '127.0.0.1' });
  closeFastify = () => fy.close();
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await closeFastify?.();
  await sdk?.shutdown();
  await receiver?.close();
});

async function everythingExported(): Promise<{ memory: string; all: string }> {
  await sdk.flush();
  const memory = dump({
    spans: sdk.spans.getFinishedSpans().map(exported),
    logs: sdk.logs.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })),
  });
  return { memory, all: `${memory}\n${receiver.received()}` };
}

const post = (url: string, text: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

describe('NodeSDK with the real @zrm/express, @zrm/fastify and @zrm/pino adapters', () => {
  it('exports no canary of ZRM requests (query, body, GenAI attributes, events, fastify request logs)', async () => {
    const c = { exQuery: canary('a-ex-q'), exBody: canary('a-ex-b'), fyQuery: canary('a-fy-q') };
    const res = await post(`${expressUrl}/tts?enable_logging=false&q=${c.exQuery}`, c.exBody);
    expect(res.headers.get('zero-retention')).toBe('enforced');
    const fy = await fetch(`${fastifyUrl}/tts?enable_logging=false&text=${c.fyQuery}`);
    expect(await fy.json()).toEqual({ ok: true, zeroRetention: true });
    const { memory, all } = await everythingExported();
    expect(memory).toContain('"http.route":"/tts"');
    expect(memory).toContain('incoming request');
    expect(findCanaries(all, Object.values(c))).toEqual([]);
  });

  it('exports no canary from the error of a failing ZRM request', async () => {
    const body = canary('a-fail');
    const res = await post(`${expressUrl}/fail?enable_logging=false`, body);
    expect(res.status).toBe(500);
    const { all } = await everythingExported();
    // the error's record arrived (its type and frames are metadata), without its message
    const errorRecords = sdk.logs
      .getFinishedLogRecords()
      .filter(
        (r) =>
          r.attributes['exception.type'] === 'Error' && r.attributes['zrm.zero_retention'] === true,
      );
    expect(errorRecords.length).toBeGreaterThan(0);
    expect(findCanaries(all, [body])).toEqual([]);
  });

  it('keeps the query, body and GenAI attributes of ordinary requests', async () => {
    const c = { exQuery: canary('o-ex-q'), exBody: canary('o-ex-b'), fyQuery: canary('o-fy-q') };
    await (await post(`${expressUrl}/tts?q=${c.exQuery}`, c.exBody)).text();
    await (await fetch(`${fastifyUrl}/tts?text=${c.fyQuery}`)).text();
    const { memory, all } = await everythingExported();
    expect(findCanaries(memory, Object.values(c))).toEqual(Object.values(c));
    expect(findCanaries(all, Object.values(c))).toEqual(Object.values(c));
  });

  it('exports zero canaries of ZRM requests in mixed concurrent traffic, and every ordinary one', async () => {
    const zrm: string[] = [];
    const ordinary: string[] = [];
    const calls: Promise<string>[] = [];
    for (let i = 0; i < 20; i++) {
      const isZrm = i % 2 === 0;
      const c = canary(isZrm ? `am-zrm-${i}` : `am-ord-${i}`);
      (isZrm ? zrm : ordinary).push(c);
      const flag = isZrm ? 'enable_logging=false&' : '';
      calls.push(
        (i % 4 < 2
          ? post(`${expressUrl}/tts?${flag}q=${c}`, c)
          : fetch(`${fastifyUrl}/tts?${flag}text=${c}`)
        ).then((r) => r.text()),
      );
    }
    await Promise.all(calls);
    const { all } = await everythingExported();
    expect(findCanaries(all, zrm)).toEqual([]);
    expect(findCanaries(all, ordinary)).toEqual(ordinary);
  });
});
