import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import type ExpressFactory from 'express';
import type { Response as ExpressResponse } from 'express';
import type * as Fastify from 'fastify';
import type * as Pino from 'pino';
import { isZeroRetention, markSensitive } from '@zrm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { startSdk, type TestSdk } from './support/sdk.js';
import { beginRequest } from './support/stand-in-adapter.js';
import { exported } from './support/tracing.js';

// instrumentations patch modules through require hooks: load the frameworks with require, after the SDK started
const require = createRequire(import.meta.url);

let receiver: OtlpReceiver;
let sdk: TestSdk;
let base: { express: string; fastify: string; http: string };
const closers: (() => Promise<void>)[] = [];
const pinoLines: string[] = [];

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  sdk = startSdk(receiver.url);
  const http = require('node:http') as typeof Http;
  const express = require('express') as typeof ExpressFactory;
  const fastify = require('fastify') as typeof Fastify;
  const pino = require('pino') as typeof Pino;
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      pinoLines.push(chunk.toString());
      done();
    },
  });
  const logger = pino.pino({ level: 'info' }, sink);

  const work = (text: string): void => {
    if (isZeroRetention()) markSensitive(text);
    logger.info({ text, route: 'tts' }, `synthesizing ${text}`);
    const span = trace.getActiveSpan();
    span?.setAttribute('gen_ai.input.messages', JSON.stringify([{ role: 'user', content: text }]));
    span?.addEvent('tts.chunk', { 'chunk.text': text, 'chunk.index': 0 });
  };

  const app = express();
  app.use((req, res, next) => beginRequest(req, res)?.run(next));
  app.use(express.json());
  app.post('/tts', (req, res) => {
    const text = String((req.body as { text?: unknown }).text);
    work(text);
    res.json({ ok: true, length: text.length });
  });
  app.post('/fail', (req) => {
    const text = String((req.body as { text?: unknown }).text);
    if (isZeroRetention()) markSensitive(text);
    throw Object.assign(new Error(`cannot synthesize ${text}`), { body: req.body as unknown });
  });
  app.use((err: Error, _req: unknown, res: ExpressResponse, _next: unknown) => {
    logger.error({ err }, 'request failed');
    trace.getActiveSpan()?.recordException(err);
    res.status(500).json({ error: 'failed' });
  });

  const fy = fastify.fastify({ logger: false });
  fy.addHook('onRequest', (request, reply, done) => {
    const scope = beginRequest(request.raw, reply.raw);
    if (scope !== undefined) scope.run(done);
  });
  fy.get('/tts', (request, reply) => {
    work(String((request.query as { text?: unknown }).text));
    void reply.send({ ok: true });
  });

  // no emitter binding here: the server span ends outside the scope and is caught by the trace mark alone
  const plain = http.createServer((req, res) => {
    const scope = beginRequest(req, res, { bindEmitters: false });
    if (scope === undefined) return;
    scope.run(() => work(new URL(req.url ?? '/', 'http://x').searchParams.get('text') ?? ''));
    // answered outside the scope: the server span ends with no scope current
    res.end('ok');
  });

  const listen = async (server: Http.Server): Promise<string> => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };
  const expressServer = http.createServer(app);
  await fy.ready();
  base = {
    express: await listen(expressServer),
    fastify: await listen(http.createServer((req, res) => fy.routing(req, res))),
    http: await listen(plain),
  };
});

afterAll(async () => {
  for (const close of closers) await close();
  await sdk?.shutdown();
  await receiver?.close();
});

/** Everything the SDK exported: in-memory spans and records, and the raw OTLP bytes received. */
async function everythingExported(): Promise<{ memory: string; wire: string; all: string }> {
  await sdk.flush();
  const memory = dump({
    spans: sdk.spans.getFinishedSpans().map(exported),
    logs: sdk.logs.getFinishedLogRecords().map((r) => ({ body: r.body, attributes: r.attributes })),
  });
  const wire = receiver.received();
  return { memory, wire, all: `${memory}\n${wire}` };
}

const post = (url: string, text: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

describe('the real NodeSDK with http, express, fastify and pino instrumentations', () => {
  it('exports no canary from query, body, GenAI attributes, span events or pino log sending of ZRM requests', async () => {
    const q = [
      canary('ex-query'),
      canary('fy-query'),
      canary('http-query'),
      canary('http-unmarked'),
    ];
    const b = canary('ex-body');
    const res = await post(`${base.express}/tts?enable_logging=false&text=${q[0]}`, b);
    expect(res.headers.get('zero-retention')).toBe('enforced');
    await (await fetch(`${base.fastify}/tts?enable_logging=false&text=${q[1]}`)).text();
    await (await fetch(`${base.http}/tts?enable_logging=false&text=${q[2]}`)).text();
    // q= is not registered as content: only the ZRM mark of the trace removes it from the server span
    await (await fetch(`${base.http}/tts?enable_logging=false&q=${q[3]}`)).text();
    const { memory, wire, all } = await everythingExported();
    expect(wire).toContain('"http.route"');
    expect(memory).toContain('synthesizing [REDACTED]');
    expect(findCanaries(all, [...q, b])).toEqual([]);
    // the app's own pino lines are not ours to clean (that is @zrm/pino): they prove the canaries were logged
    expect(findCanaries(pinoLines.join(''), [b, q[1]!])).toEqual([b, q[1]]);
  });

  it('exports no canary from the error, its body and its stack of a ZRM request that fails', async () => {
    const b = canary('fail-body');
    const res = await post(`${base.express}/fail?enable_logging=false`, b);
    expect(res.status).toBe(500);
    const { all, memory } = await everythingExported();
    expect(memory).toContain('request failed');
    expect(findCanaries(all, [b])).toEqual([]);
  });

  it('keeps query, body, GenAI attributes, events and log attributes of ordinary requests', async () => {
    const q = canary('ord-query');
    const b = canary('ord-body');
    const fq = canary('ord-fy');
    await post(`${base.express}/tts?text=${q}`, b);
    await (await fetch(`${base.fastify}/tts?text=${fq}`)).text();
    const { memory, wire } = await everythingExported();
    expect(findCanaries(memory, [q, b, fq])).toEqual([q, b, fq]);
    expect(findCanaries(wire, [q, b, fq])).toEqual([q, b, fq]);
    const spans = sdk.spans
      .getFinishedSpans()
      .filter((s) => JSON.stringify(s.attributes).includes(b));
    expect(
      spans.some(
        (s) =>
          s.attributes['gen_ai.input.messages'] === JSON.stringify([{ role: 'user', content: b }]),
      ),
    ).toBe(true);
  });

  it('exports zero canaries of ZRM requests in mixed concurrent traffic, and every ordinary canary', async () => {
    const zrm: string[] = [];
    const ordinary: string[] = [];
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 24; i++) {
      const isZrm = i % 2 === 0;
      const c = canary(isZrm ? `mix-zrm-${i}` : `mix-ord-${i}`);
      (isZrm ? zrm : ordinary).push(c);
      const flag = isZrm ? 'enable_logging=false&' : '';
      const target = [base.express, base.fastify, base.http][i % 3]!;
      calls.push(
        target === base.express
          ? post(`${target}/tts?${flag}q=${c}`, c).then((r) => r.text())
          : fetch(`${target}/tts?${flag}text=${c}`).then((r) => r.text()),
      );
    }
    await Promise.all(calls);
    const { all } = await everythingExported();
    expect(findCanaries(all, zrm)).toEqual([]);
    expect(findCanaries(all, ordinary)).toEqual(ordinary);
  });
});
