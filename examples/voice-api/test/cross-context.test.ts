import { AsyncResource } from 'node:async_hooks';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger as OtelLogger } from '@opentelemetry/api-logs';
import type { Tracer } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { definePolicy } from '@zrm/core';
import { zeroRetention } from '@zrm/express';
import { guardHistory, openEmbeddedHistory, type HistoryStore } from '@zrm/history';
import { ZeroRetentionLogRecordProcessor, ZeroRetentionSpanProcessor } from '@zrm/otel';
import { withZeroRetention } from '@zrm/pino';
import {
  createTextCanary,
  findCanaries,
  readHistoryTables,
  startOtlpReceiver,
  type OtlpReceiver,
  type Queryable,
  type TextCanary,
} from '@zrm/testing';
import express from 'express';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * Guarantee 5 end to end: "an async context says who created a resource, not
 * whose data flows through it". A real Express service shares one provider
 * connection and one write-behind batcher between its requests; whichever
 * request opens the connection or starts the batch timer gives them its
 * context, and every other request's content flows through them. Real pino
 * bytes in a file, the real OpenTelemetry SDK exporting spans and log records
 * over OTLP/HTTP to a loopback receiver, history in PGlite.
 */

const policy = definePolicy({ taint: { graceMs: 2_000 } });

/** The provider: a TCP service on loopback answering each line with a transcript of it. */
let provider: Server;
let providerPort = 0;

interface Service {
  url: string;
  logFile: string;
  receiver: OtlpReceiver;
  history: HistoryStore & { db: Queryable };
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** A connection to the provider, opened lazily by whichever request first needs it. */
class ProviderConnection {
  #socket: Socket | undefined;
  #opening: Promise<void> | undefined;
  readonly #waiters: ((line: string) => void)[] = [];
  constructor(private readonly onMessage: (line: string) => void) {}

  async transcribe(text: string): Promise<string> {
    await this.open();
    return new Promise((resolve) => {
      this.#waiters.push(resolve);
      this.#socket?.write(`${JSON.stringify(text)}\n`);
    });
  }

  open(): Promise<void> {
    this.#opening ??= new Promise<void>((resolve) => {
      const socket = connect(providerPort, '127.0.0.1', () => resolve());
      socket.setEncoding('utf8');
      let pending = '';
      // runs in the async context of the request that opened the connection, for every request
      socket.on('data', (chunk: string) => {
        pending += chunk;
        for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
          const line = pending.slice(0, nl);
          pending = pending.slice(nl + 1);
          this.onMessage(line);
          this.#waiters.shift()?.(line);
        }
      });
      this.#socket = socket;
    });
    return this.#opening;
  }

  close(): void {
    this.#socket?.destroy();
  }
}

interface Item {
  requestId: string;
  text: string;
}

/**
 * A write-behind batcher: the first item of a batch starts its timer, so the
 * flush runs in that request's context — or, `detached`, in the context the
 * batcher was made in (start-up), as `AsyncResource.bind` makes it.
 */
class Batcher {
  #items: Item[] = [];
  #flushed: Promise<void> | undefined;
  readonly #flush: (done: () => void) => void;
  constructor(delayMs: number, flushItems: (items: Item[]) => Promise<void>, detached: boolean) {
    const flush = (done: () => void): void => {
      const items = this.#items;
      this.#items = [];
      this.#flushed = undefined;
      void flushItems(items).finally(done);
    };
    const run = detached ? AsyncResource.bind(flush) : flush;
    this.#flush = (done) => setTimeout(() => run(done), delayMs);
  }

  /** Adds an item; resolves once the batch holding it has been written. */
  add(item: Item): Promise<void> {
    this.#items.push(item);
    this.#flushed ??= new Promise<void>((resolve) => this.#flush(resolve));
    return this.#flushed;
  }
}

/**
 * `lazy`: the first request opens the connection and starts each batch's timer
 * (their contexts are that request's); `startup`: both are made before the
 * service serves, outside any request.
 */
async function startService(
  withZrm: boolean,
  resources: 'lazy' | 'startup' = 'lazy',
): Promise<Service> {
  const logFile = join(mkdtempSync(join(tmpdir(), 'zrm-cross-context-')), 'service.log');
  const receiver = await startOtlpReceiver();
  const spanExport = new BatchSpanProcessor(
    new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }),
    { scheduledDelayMillis: 50 },
  );
  const recordExport = new BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }),
    scheduledDelayMillis: 50,
  });
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [withZrm ? new ZeroRetentionSpanProcessor(spanExport, { policy }) : spanExport],
  });
  const loggerProvider = new LoggerProvider({
    processors: [
      withZrm ? new ZeroRetentionLogRecordProcessor(recordExport, { policy }) : recordExport,
    ],
  });
  const tracer: Tracer = tracerProvider.getTracer('voice-api');
  const otelLogger: OtelLogger = loggerProvider.getLogger('voice-api');
  const options = { level: 'info' };
  const log = pino(
    withZrm ? withZeroRetention(options) : options,
    pino.destination({ dest: logFile, sync: true }),
  );
  const embedded = await openEmbeddedHistory();
  const history = withZrm ? guardHistory(embedded) : embedded;

  /** One sink write of each kind, from wherever the shared resource runs. */
  const emit = (what: string, value: string | string[]): void => {
    log.info({ [what]: value }, what);
    const span = tracer.startSpan(what);
    span.setAttribute(what, value);
    span.addEvent(what, { value });
    span.end();
    otelLogger.emit({
      body: Array.isArray(value) ? value.join(' | ') : value,
      attributes: { what },
    });
  };
  const connection = new ProviderConnection((line) => emit('provider.transcript', line));
  const batcher = new Batcher(
    60,
    async (items) => {
      emit(
        'batch.inputs',
        items.map((item) => item.text),
      );
      for (const item of items)
        await history.record({ owner: 'acct_1', requestId: item.requestId, text: item.text });
    },
    resources === 'startup',
  );
  if (resources === 'startup') await connection.open();

  const app = express();
  if (withZrm) app.use(zeroRetention(policy));
  app.use(express.json());
  app.post('/v1/convert', async (req, res) => {
    const { text, delay } = req.body as { text: string; delay?: number };
    const requestId = String(req.headers['x-request-id'] ?? 'req');
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    const transcript = await connection.transcribe(text);
    await batcher.add({ requestId, text });
    res.json({ transcript });
  });
  const server: HttpServer = createHttpServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    logFile,
    receiver,
    history: embedded,
    async flush() {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
    },
    async close() {
      connection.close();
      await new Promise((resolve) => server.close(resolve));
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
      await embedded.close();
      await receiver.close();
    },
  };
}

async function convert(
  service: Service,
  canary: TextCanary,
  zrm: boolean,
  delay = 0,
): Promise<number> {
  const response = await fetch(`${service.url}/v1/convert${zrm ? '?enable_logging=false' : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-request-id': canary.label },
    body: JSON.stringify({ text: canary.value, delay }),
  });
  await response.text();
  return response.status;
}

/** Every sink of the service, each as what it received. */
async function sinks(service: Service): Promise<Record<string, unknown>> {
  await service.flush();
  return {
    'pino log file': readFileSync(service.logFile),
    'otlp traces': service.receiver.signal('traces'),
    'otlp logs': service.receiver.signal('logs'),
    'history rows': await readHistoryTables(service.history.db),
  };
}

/** Every sink kept the ordinary canary; the ZRM one is in none of them with zrm, in all without. */
async function expectSinks(
  service: Service,
  ordinary: TextCanary,
  secret: TextCanary,
  withZrm: boolean,
): Promise<void> {
  for (const [name, sink] of Object.entries(await sinks(service))) {
    expect(found(sink, ordinary), `${name} keeps ordinary content`).toBe(true);
    expect(found(sink, secret), `${name}: ZRM content ${withZrm ? 'absent' : 'present'}`).toBe(
      !withZrm,
    );
  }
}

function found(sink: unknown, canary: TextCanary): boolean {
  return findCanaries(sink as Parameters<typeof findCanaries>[0], canary).length > 0;
}

beforeAll(async () => {
  provider = createServer((socket) => {
    socket.setEncoding('utf8');
    let pending = '';
    socket.on('data', (chunk: string) => {
      pending += chunk;
      for (let nl = pending.indexOf('\n'); nl !== -1; nl = pending.indexOf('\n')) {
        const text = JSON.parse(pending.slice(0, nl)) as string;
        pending = pending.slice(nl + 1);
        socket.write(`transcribed: ${text}\n`);
      }
    });
  });
  await new Promise<void>((resolve) => provider.listen(0, '127.0.0.1', resolve));
  providerPort = (provider.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((resolve) => provider.close(resolve));
});

describe.each([true, false])(
  'shared resources carry other requests’ content (zrm: %s)',
  (withZrm) => {
    const verdict = withZrm ? 'never reaches' : 'reaches (positive control)';

    it(`a ZRM request's text ${verdict} any sink through a connection an ordinary request opened and a socket that outlived it`, async () => {
      const service = await startService(withZrm);
      try {
        const ordinary = createTextCanary('ordinary-opener');
        const secret = createTextCanary('zrm-through-socket');
        // the ordinary request opens the connection and ends: the socket keeps its (ended) context
        expect(await convert(service, ordinary, false)).toBe(200);
        expect(await convert(service, secret, true)).toBe(200);
        await expectSinks(service, ordinary, secret, withZrm);
      } finally {
        await service.close();
      }
    });

    it(`a ZRM request's text ${verdict} any sink through a batch whose timer an in-flight ordinary request started`, async () => {
      const service = await startService(withZrm);
      try {
        const ordinary = createTextCanary('ordinary-batch');
        const secret = createTextCanary('zrm-in-batch');
        // both land in one batch; the ordinary request added first, so the flush runs in its context
        const first = convert(service, ordinary, false);
        await new Promise((resolve) => setTimeout(resolve, 20));
        const [a, b] = await Promise.all([first, convert(service, secret, true)]);
        expect([a, b]).toEqual([200, 200]);
        await expectSinks(service, ordinary, secret, withZrm);
      } finally {
        await service.close();
      }
    });
  },
);

describe('random interleavings of ordinary and ZRM requests sharing a connection and a batcher', () => {
  // made at start-up, so no single request's mode applies to what flows through them
  let service: Service;
  beforeAll(async () => {
    service = await startService(true, 'startup');
  });
  afterAll(async () => {
    await service.close();
  });

  it('never write a ZRM canary to any sink and never lose an ordinary one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ zrm: fc.boolean(), delay: fc.integer({ min: 0, max: 40 }) }), {
          minLength: 2,
          maxLength: 6,
        }),
        async (requests) => {
          const sent = requests.map((r, i) => ({
            ...r,
            canary: createTextCanary(`${r.zrm ? 'zrm' : 'ord'}-${i}`),
          }));
          const statuses = await Promise.all(
            sent.map((r) => convert(service, r.canary, r.zrm, r.delay)),
          );
          expect(statuses.every((status) => status === 200)).toBe(true);
          const received = await sinks(service);
          for (const r of sent) {
            for (const [name, sink] of Object.entries(received)) {
              expect(found(sink, r.canary), `${r.canary.label} in ${name}`).toBe(!r.zrm);
            }
          }
        },
      ),
      { numRuns: 12 },
    );
  });
});
