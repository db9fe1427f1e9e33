import { currentScope } from '@zrm/core';
import zeroRetention from '@zrm/fastify';
import { withZeroRetention } from '@zrm/pino';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { AsyncResource } from 'node:async_hooks';
import { request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, captureLogs, settleLogs } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** Sends a body in two chunks, the second one later, so the body phase spans several turns. */
function slowPost(url: string, type: string, first: string, second: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'POST', headers: { 'content-type': type } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.write(first);
    setTimeout(() => req.end(second), 20);
  });
}

interface Seen {
  where: string;
  id: string;
  own: string | undefined;
  zeroRetention: boolean | undefined;
}

describe.each([
  ['ZRM', '?enable_logging=false', true],
  ['ordinary', '', false],
])('async context of a Fastify %s request', (_mode, query, zrm) => {
  it('is the request scope at every stage, without the plugin entering it again: sync and async handlers, a JSON body, a body streamed to a custom parser', async () => {
    const seen: Seen[] = [];
    const note = (where: string, request: FastifyRequest): void => {
      const scope = currentScope();
      seen.push({
        where,
        id: request.id,
        own: scope?.requestId,
        zeroRetention: scope?.zeroRetention,
      });
    };
    app = Fastify({ logger: false });
    await app.register(zeroRetention);
    app.addContentTypeParser('application/x-stream', (request, payload, done) => {
      let body = '';
      payload.on('data', (chunk: Buffer) => {
        note('stream data', request);
        body += chunk.toString('utf8');
      });
      payload.on('end', () => {
        note('stream end', request);
        done(null, body);
      });
    });
    app.addHook('preParsing', (request, _reply, payload, done) => {
      note('preParsing', request);
      done(null, payload);
    });
    app.addHook('preHandler', (request, _reply, done) => {
      note('preHandler', request);
      done();
    });
    app.addHook('onSend', (request, _reply, payload, done) => {
      note('onSend', request);
      done(null, payload);
    });
    app.post('/sync', (request, reply) => {
      note('sync handler', request);
      void reply.send({ ok: true });
    });
    app.post('/async', async (request) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      note('async handler', request);
      return { ok: true };
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const statuses = await Promise.all([
      slowPost(`${url}/sync${query}`, 'application/json', '{"text":', '"one"}'),
      slowPost(`${url}/async${query}`, 'application/json', '{"text":', '"two"}'),
      slowPost(`${url}/sync${query}`, 'application/x-stream', 'three ', 'four'),
      slowPost(`${url}/async${query}`, 'application/x-stream', 'five ', 'six'),
    ]);
    expect(statuses).toEqual([200, 200, 200, 200]);
    const stages = new Set(seen.map((s) => s.where));
    for (const stage of [
      'preParsing',
      'stream data',
      'stream end',
      'preHandler',
      'sync handler',
      'async handler',
      'onSend',
    ])
      expect(stages).toContain(stage);
    // each request runs in its own scope, never another one's, in the mode it asked for
    for (const s of seen) expect(s).toEqual({ ...s, own: s.id, zeroRetention: zrm });
  });
});

describe('a hook after the plugin that loses the async context', () => {
  it('is followed by the request scope again: content derived in the handler of a ZRM request is redacted by key, an ordinary one is kept', async () => {
    const logs = captureLogs();
    app = Fastify({ logger: withZeroRetention({ level: 'info', stream: logs.stream }) });
    await app.register(zeroRetention);
    // a callback from something made at start-up (a connection pool): it runs in that context, not the request's
    const pool = new AsyncResource('pool');
    app.addHook('onRequest', (_request, _reply, done) => {
      setImmediate(() => pool.runInAsyncScope(done));
    });
    const log = app.log;
    app.post('/tts', (request, reply) => {
      const { text } = request.body as { text: string };
      // derived content, never registered: only the scope (by key) keeps it out of a ZRM line
      log.info({ transcript: text.toUpperCase() }, 'transcribed');
      void reply.send({ own: currentScope()?.requestId === request.id });
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const hidden = canary('zrm');
    const kept = canary('ordinary');
    for (const [text, query] of [
      [hidden, '?enable_logging=false'],
      [kept, ''],
    ] as const) {
      const response = await fetch(`${url}/tts${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text }),
      });
      expect(await response.json()).toEqual({ own: true });
    }
    await settleLogs();
    const out = logs.text();
    const lines = logs.lines().filter((line) => 'transcript' in line);
    expect(lines.map((line) => line.zrm === true)).toEqual([true, false]);
    expect(out).not.toContain(hidden.toUpperCase());
    expect(out).toContain(kept.toUpperCase());
  });
});
