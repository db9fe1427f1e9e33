// A consumer's code: the packages' README calls, compiled by the pack check
// in an app that installed the packed tarballs, under each consumer tsconfig.
import { createServer, type IncomingMessage } from 'node:http';
import { propagation, type TextMapPropagator } from '@opentelemetry/api';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type LogRecordProcessor,
} from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import pino from 'pino';
import { expect } from 'vitest';
import { WebSocketServer } from 'ws';
import {
  definePolicy,
  isZeroRetention,
  markSensitive,
  redact,
  runWithScope,
  scrubString,
  ZrmError,
  type RedactionEvent,
} from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import fastifyZeroRetention from '@zrm/fastify';
import {
  zeroRetention as honoZeroRetention,
  zeroRetentionErrorHandler as honoErrorHandler,
  type ZeroRetentionVariables,
} from '@zrm/hono';
import { guardHistory, openEmbeddedHistory, type HistoryItem } from '@zrm/history';
import {
  createZeroRetentionMetrics,
  ZeroRetentionLogRecordProcessor,
  ZeroRetentionPropagator,
  ZeroRetentionSpanExporter,
  ZeroRetentionSpanProcessor,
} from '@zrm/otel';
import { withZeroRetention } from '@zrm/pino';
import {
  captureLogRecords,
  capturePino,
  captureSpans,
  createTextCanary,
  findCanaries,
  type CanaryHit,
} from '@zrm/testing';
import '@zrm/testing/vitest';
import { zeroRetentionWebSocket } from '@zrm/ws';

// A policy callback gets the framework's request as `unknown` (one policy fits every adapter).
const isEnterprise = (req: unknown): boolean =>
  (req as IncomingMessage).headers['x-plan'] === 'enterprise';

// @zrm/pino and @zrm/express, as the README's quick snippet wires them
const logger = pino(withZeroRetention({ level: 'info' }));
const app = express();
app.use(zeroRetention({ entitled: (req) => isEnterprise(req), force: () => false }));
app.post('/v1/text', express.json(), (req, res) => {
  logger.info({ text: (req.body as { text: string }).text }, 'text received');
  res.json({ zeroRetention: isZeroRetention() });
});
app.use(zeroRetentionErrorHandler());

// @zrm/fastify, with its typed request decoration
const fastify = Fastify({ logger: withZeroRetention({ level: 'info' }) });
await fastify.register(fastifyZeroRetention, { entitled: (req) => isEnterprise(req) });
fastify.get('/mode', (request) => ({ zeroRetention: request.zeroRetention }));

// @zrm/ws
const wss = zeroRetentionWebSocket(new WebSocketServer({ server: createServer() }), {
  entitled: (req) => isEnterprise(req),
});
wss.on('connection', (ws) =>
  ws.on('message', (data: Buffer) => logger.info({ bytes: data.length })),
);

// @zrm/otel: where the SDK wants its own interfaces
const metrics = createZeroRetentionMetrics();
const policy = definePolicy({ onRedaction: (event: RedactionEvent) => metrics.onRedaction(event) });
const spanExporter: SpanExporter = new ZeroRetentionSpanExporter(new InMemorySpanExporter());
const spanProcessor: SpanProcessor = new ZeroRetentionSpanProcessor(
  new BatchSpanProcessor(new InMemorySpanExporter()),
  { policy },
);
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [spanProcessor, new SimpleSpanProcessor(spanExporter)],
});
const logRecordProcessor: LogRecordProcessor = new ZeroRetentionLogRecordProcessor(
  new SimpleLogRecordProcessor({ exporter: new InMemoryLogRecordExporter() }),
);
const loggerProvider = new LoggerProvider({ processors: [logRecordProcessor] });
const propagator: TextMapPropagator = new ZeroRetentionPropagator({ trustPeer: () => false });
propagation.setGlobalPropagator(propagator);

// @zrm/core
await runWithScope({ zeroRetention: true, requestId: 'req-1' }, async () => {
  markSensitive('a prompt');
  logger.info(redact({ text: 'a prompt', voice_id: 'v1' }));
  logger.info(scrubString('the prompt was: a prompt'));
  await Promise.resolve();
});
const refusal: ZrmError = new ZrmError('invalid_request', 'bad input');

// @zrm/history
const item: HistoryItem = { owner: 'tenant-1', requestId: 'req-2', text: 'hello' };
const history = guardHistory(await openEmbeddedHistory());
await history.record(item);

// @zrm/hono, its callbacks typed with Hono's Context and c.get('zeroRetention') a boolean
const hono = new Hono<{ Variables: ZeroRetentionVariables }>();
hono.use(honoZeroRetention({ entitled: (c) => c.req.header('x-plan') === 'enterprise' }));
hono.get('/', (c) => c.json({ zeroRetention: c.get('zeroRetention') }));
hono.onError(honoErrorHandler());

// @zrm/testing and its vitest matchers
const canary = createTextCanary('consumer');
const sink = capturePino();
pino(withZeroRetention(), sink).info({ text: canary.value });
const hits: CanaryHit[] = findCanaries(sink, canary);
expect(sink).toContainNoCanary(canary);
const capturedSpans = captureSpans();
const capturedRecords = captureLogRecords();
const captureTracers = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(capturedSpans)],
});
const captureLoggers = new LoggerProvider({
  processors: [new SimpleLogRecordProcessor({ exporter: capturedRecords })],
});

export { captureLoggers, captureTracers, hits, hono, loggerProvider, refusal, tracerProvider };
