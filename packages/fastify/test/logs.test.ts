import { isZeroRetention } from '@zrm/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { EventEmitter } from 'node:events';
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, createApp, send, settleLogs, type TestApp } from './helpers.js';

/** Resolves when the work a request started after its response has logged (keyed by the canary). */
const later = new Map<string, (modes: boolean[]) => void>();

function routes(app: FastifyInstance): void {
  // a parser like many apps write: JSON.parse's error quotes the body it could not read
  app.addContentTypeParser(
    'application/vnd.tts+json',
    { parseAs: 'string' },
    (_request, body, done) => {
      try {
        done(null, JSON.parse(body as string));
      } catch (error) {
        (error as { statusCode?: number }).statusCode = 400;
        done(error as Error, undefined);
      }
    },
  );
  app.post('/json', (request, reply) => {
    const body = request.body as { text: string; voice: string };
    request.log.info({ body }, 'received');
    request.log.info('the text was %s', body.text);
    request.log.child({ text: body.text }).info('child line');
    return reply.send({ ok: true });
  });
  app.post('/text', (request, reply) => {
    request.log.info(`text body: ${request.body as string}`);
    return reply.send({ ok: true });
  });
  app.get('/fail', (request) => {
    throw new Error(`synthesis failed for ${(request.query as { text: string }).text}`);
  });
  app.get('/later', (request: FastifyRequest<{ Querystring: { text: string } }>, reply) => {
    const text = request.query.text;
    const modes: boolean[] = [];
    const done = Promise.all([
      new Promise<void>((resolve) =>
        setTimeout(() => {
          modes.push(isZeroRetention());
          request.log.info({ transcript: text }, `timer ${text}`);
          resolve();
        }, 20),
      ),
      Promise.resolve()
        .then(() => new Promise((resolve) => setImmediate(resolve)))
        .then(() => {
          modes.push(isZeroRetention());
          request.log.warn(`promise chain ${text}`);
        }),
      new Promise<void>((resolve) => {
        const emitter = new EventEmitter();
        emitter.on('tick', (value: string) => {
          modes.push(isZeroRetention());
          request.log.info({ value }, 'emitter');
          resolve();
        });
        setTimeout(() => emitter.emit('tick', text), 5);
      }),
      pipeline(
        Readable.from([text]),
        new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            modes.push(isZeroRetention());
            request.log.info(`stream chunk ${chunk.toString()}`);
            callback(null, chunk);
          },
        }),
        new Writable({ write: (_chunk, _encoding, callback) => callback() }),
      ),
    ]);
    void done.then(() => later.get(text)?.(modes));
    return reply.send({ accepted: true });
  });
}

function afterWork(text: string): Promise<boolean[]> {
  return new Promise((resolve) => later.set(text, resolve));
}

const postJson = (url: string, body: string) =>
  send(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

describe.each([
  ['decided from the flag alone', {}],
  [
    'decided after an async policy (lines wait for it)',
    { force: async () => Promise.resolve(false) },
  ],
])('Fastify logs, mode %s', (_name, policy) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createApp(policy, routes);
  });
  afterAll(() => t.app.close());

  describe.each([
    ['ZRM', '?enable_logging=false', false],
    ['ordinary', '', true],
  ])('%s request', (_mode, query, kept) => {
    const check = (secret: string) =>
      kept ? expect(t.logs.text()).toContain(secret) : expect(t.logs.text()).not.toContain(secret);

    it(`${kept ? 'keeps' : 'drops'} a canary in the query string in "incoming request"`, async () => {
      const secret = canary();
      const response = await send(`${t.url}/text${query}${query ? '&' : '?'}q=${secret}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'plain',
      });
      expect(response.status).toBe(200);
      await settleLogs();
      expect(t.logs.text()).toContain('incoming request');
      expect(t.logs.text()).toContain('request completed');
      check(secret);
    });

    it(`${kept ? 'leaves out' : 'puts'} the "zrm":true marker on every line of the request, "incoming request" and errors included`, async () => {
      const secret = canary();
      const before = t.logs.lines().length;
      const response = await send(`${t.url}/fail${query}${query ? '&' : '?'}text=${secret}`);
      expect(response.status).toBe(500);
      await settleLogs();
      const lines = t.logs.lines().slice(before);
      expect(lines.map((line) => line.msg)).toEqual(
        expect.arrayContaining(['incoming request', 'request completed']),
      );
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const line of lines) expect(line.zrm).toBe(kept ? undefined : true);
      check(secret);
    });

    it(`${kept ? 'keeps' : 'drops'} canaries of a JSON body in merge objects, messages and child bindings`, async () => {
      const secret = canary();
      const short = canary('S').slice(0, 8);
      const response = await postJson(
        `${t.url}/json${query}`,
        JSON.stringify({ text: `${short} ${secret}`, voice: short }),
      );
      expect(response.status).toBe(200);
      await settleLogs();
      expect(t.logs.text()).toContain('child line');
      check(secret);
      check(short);
    });

    it(`${kept ? 'keeps' : 'drops'} a canary of a text body interpolated into a message`, async () => {
      const secret = canary();
      await send(`${t.url}/text${query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: secret,
      });
      await settleLogs();
      expect(t.logs.text()).toContain('text body:');
      check(secret);
    });

    it(`${kept ? 'keeps' : 'drops'} a canary quoted by a content-type parser error of an invalid body`, async () => {
      // short enough for V8 to quote it whole in the SyntaxError message
      const secret = canary('Q').slice(0, 16);
      const response = await send(`${t.url}/json${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.tts+json' },
        body: secret,
      });
      expect(response.status).toBe(400);
      await settleLogs();
      expect(t.logs.text()).toContain('"res":{"statusCode":400}');
      check(secret);
    });

    it("drops nothing it should not: Fastify's own invalid-JSON error is logged with its code", async () => {
      const response = await postJson(`${t.url}/json${query}`, '{"text": ');
      expect(response.status).toBe(400);
      await settleLogs();
      expect(t.logs.text()).toContain('FST_ERR_CTP_INVALID_JSON_BODY');
    });

    it(`${kept ? 'keeps' : 'drops'} a canary in an error thrown by the handler (message, stack, error log)`, async () => {
      const secret = canary();
      const response = await send(`${t.url}/fail${query}${query ? '&' : '?'}text=${secret}`);
      expect(response.status).toBe(500);
      await settleLogs();
      expect(t.logs.text()).toContain('"statusCode":500');
      check(secret);
    });

    it(`${kept ? 'keeps' : 'drops'} canaries logged by work that runs after the response, which keeps the scope`, async () => {
      const secret = canary();
      const modes = afterWork(secret);
      const response = await send(`${t.url}/later${query}${query ? '&' : '?'}text=${secret}`);
      expect(response.status).toBe(200);
      expect(await modes).toEqual([!kept, !kept, !kept, !kept]);
      await settleLogs();
      expect(t.logs.text()).toContain('stream chunk');
      expect(t.logs.text()).toContain('"msg":"emitter"');
      check(secret);
    });
  });
});
