#!/usr/bin/env node
/* global process, URL */
// One server under HTTP load, in its own process (the load generator,
// autocannon, runs in bench/http.mjs). Prints nothing; reports its URL over IPC.
//   node bench/http-server.mjs express|fastify bare|als|zrm
//     als: no adapter, but each request runs in AsyncLocalStorage.run (what any
//     per-request context costs: on Node 20 it turns on promise hooks process-wide)
//   node bench/http-server.mjs stack-express|stack-fastify bare|zrm  (the example voice API)
import { AsyncLocalStorage } from 'node:async_hooks';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';

const [app, variant] = process.argv.slice(2);
const zrm = variant === 'zrm';
const als = variant === 'als' ? new AsyncLocalStorage() : undefined;
const fromPackage = (dir) =>
  createRequire(new URL(`../packages/${dir}/package.json`, import.meta.url));

/** The app's pino logger: zrm's for the zrm variant, plain pino otherwise, writing to the null device. */
async function appLogger() {
  const pino = fromPackage('pino')('pino');
  const destination = pino.destination({ dest: devNull, sync: false });
  if (!zrm) return pino({ level: 'info' }, destination);
  const { withZeroRetention } = await import('../packages/pino/dist/index.js');
  return pino(withZeroRetention({ level: 'info' }), destination);
}

/** The route every plain app serves: logs the text once, answers with metadata about it. */
function answer(log, body, voiceId) {
  const text = typeof body?.text === 'string' ? body.text : '';
  log.info({ text }, 'synthesizing');
  return { voice_id: voiceId, characters: text.length, words: text.split(' ').length };
}

async function express() {
  const express = fromPackage('express')('express');
  const logger = await appLogger();
  const server = express();
  const route = (req, res) => res.json(answer(logger, req.body, req.params.voice_id));
  if (zrm) {
    const { zeroRetention, zeroRetentionErrorHandler } =
      await import('../packages/express/dist/index.js');
    server.use(zeroRetention());
    server.post('/v1/text-to-speech/:voice_id', express.json(), route);
    server.use(zeroRetentionErrorHandler());
  } else {
    if (als) server.use((req, res, next) => als.run({ req }, next));
    server.post('/v1/text-to-speech/:voice_id', express.json(), route);
  }
  const listener = server.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  return `http://127.0.0.1:${listener.address().port}`;
}

async function fastify() {
  const Fastify = fromPackage('fastify')('fastify');
  // the route logs through request.log; Fastify's own two lines per request would double the logging
  const server = Fastify({
    loggerInstance: await appLogger(),
    logController: new Fastify.LogController({ disableRequestLogging: true }),
  });
  if (zrm) {
    const { default: zeroRetention } = await import('../packages/fastify/dist/index.js');
    await server.register(zeroRetention);
  }
  if (als) server.addHook('onRequest', (request, reply, done) => als.run({ request }, done));
  server.post('/v1/text-to-speech/:voice_id', async (request) =>
    answer(request.log, request.body, request.params.voice_id),
  );
  return server.listen({ port: 0, host: '127.0.0.1' });
}

async function stack(framework) {
  const { createServer } = await import('node:http');
  // a loopback OTLP endpoint in this process's sibling role would add a third process: discard here
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  }).listen(0, '127.0.0.1');
  await once(sink, 'listening');
  const { startVoiceApi } = await import('../examples/voice-api/dist/index.js');
  const logFile = join(tmpdir(), `zrm-bench-${process.pid}.log`);
  // history on disk, as a deployed service keeps it: PGlite's in-memory file system copies its
  // growing table on every expansion, which would slow each server down the more rows it has written
  const historyDir = mkdtempSync(join(tmpdir(), 'zrm-bench-history-'));
  process.on('exit', () => {
    rmSync(logFile, { force: true });
    rmSync(historyDir, { recursive: true, force: true });
  });
  const api = await startVoiceApi({
    framework,
    port: 0,
    logFile,
    historyDir,
    otlpUrl: `http://127.0.0.1:${sink.address().port}`,
    leaky: !zrm,
  });
  return api.url;
}

const url =
  app === 'express'
    ? await express()
    : app === 'fastify'
      ? await fastify()
      : await stack(app === 'stack-fastify' ? 'fastify' : 'express');
process.send?.({ ready: true, url });
process.on('disconnect', () => process.exit(0));
