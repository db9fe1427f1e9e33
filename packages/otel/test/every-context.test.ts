import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import {
  currentScope,
  definePolicy,
  markSensitive,
  runWithScope,
  setDefaultPolicy,
  type RedactionEvent,
  type ZrmScope,
} from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import {
  ZeroRetentionLogRecordProcessor,
  ZeroRetentionSpanExporter,
  ZeroRetentionSpanProcessor,
} from '@zrm/otel';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import {
  BatchLogRecordProcessor,
  batchSpanProcessor,
  createTracerProvider,
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  simpleSpanProcessor,
  type LogRecordProcessor,
  type ReadableLogRecord,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from './support/otel-sdk.js';
import { startOtlpReceiver, type OtlpReceiver } from './support/otlp-receiver.js';
import { createTracing, exported, useContextManager } from './support/tracing.js';

/** Every sink of one run: spans through the processor and through the exporter wrapper, log records, OTLP bytes. */
interface Run {
  spans: SpanView[];
  /** What the exporter wrapper's inner exporter received. */
  wrappedExporterSpans: SpanView[];
  logs: ReadableLogRecord[];
  wire: string;
  events: RedactionEvent[];
  /** How the scope of each delivery looked when it ran. */
  scopes: string[];
  zrmText: string;
  ordinaryText: string;
  /** The ordinary request's own span as exported, and whether the SDK's object itself was passed on. */
  ordinarySpan: { view: SpanView | undefined; same: boolean };
}

const events: RedactionEvent[] = [];
const policy = definePolicy({ onRedaction: (e) => events.push(e) });

let echo: Server;
let echoPort: number;
beforeAll(async () => {
  useContextManager();
  setDefaultPolicy(policy);
  echo = createServer((socket) => socket.pipe(socket));
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
  echoPort = (echo.address() as AddressInfo).port;
});
afterAll(async () => {
  setDefaultPolicy(definePolicy());
  await new Promise((resolve) => echo.close(resolve));
});

/** A span as an exporter serialized it. */
interface SpanView {
  name: string;
  spanId: string;
  attributes: Record<string, unknown>;
  events: { name: string; attributes?: Record<string, unknown> }[];
}

/**
 * Copies spans as they are exported: a wrapped processor cleans the SDK's own
 * span once it has handed it on, which an exporter keeping references would hide.
 */
class SnapshotExporter implements SpanExporter {
  readonly views: SpanView[] = [];
  readonly received: ReadableSpan[] = [];
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    for (const span of spans) {
      this.received.push(span);
      const view = { ...exported(span), spanId: span.spanContext().spanId };
      this.views.push(JSON.parse(dump(view)) as SpanView);
    }
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The real SDK; with `zrm`, every processor wrapped (and one exporter), else the same pipeline bare. */
function startPipelines(zrm: boolean, receiver: OtlpReceiver) {
  const spans = new SnapshotExporter();
  const viaExporter = new SnapshotExporter();
  const logs = new InMemoryLogRecordExporter();
  const span = (p: SpanProcessor): SpanProcessor => (zrm ? new ZeroRetentionSpanProcessor(p) : p);
  const log = (p: LogRecordProcessor): LogRecordProcessor =>
    zrm ? new ZeroRetentionLogRecordProcessor(p) : p;
  const tracerProvider = createTracerProvider([
    simpleSpanProcessor(zrm ? new ZeroRetentionSpanExporter(viaExporter) : viaExporter),
    span(simpleSpanProcessor(spans)),
    span(batchSpanProcessor(new OTLPTraceExporter({ url: `${receiver.url}/v1/traces` }))),
  ]);
  const loggerProvider = new LoggerProvider({
    processors: [
      log(new SimpleLogRecordProcessor({ exporter: logs })),
      log(
        new BatchLogRecordProcessor({
          exporter: new OTLPLogExporter({ url: `${receiver.url}/v1/logs` }),
        }),
      ),
    ],
  });
  return {
    tracer: tracerProvider.getTracer('every-context'),
    logger: loggerProvider.getLogger('every-context'),
    spans,
    viaExporter,
    logs,
    flush: async () => {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
    },
    shutdown: async () => {
      await tracerProvider.shutdown();
      await loggerProvider.shutdown();
    },
  };
}
type Pipelines = ReturnType<typeof startPipelines>;

/** The scope current in each delivery, as it was then: the setup checks it is the context it names. */
const deliveredIn: string[] = [];

function describeScope(scope: ZrmScope | undefined): string {
  if (scope === undefined) return 'none';
  return `${scope.zeroRetention ? 'zrm' : 'ordinary'} ${scope.ended ? 'ended' : 'in flight'}`;
}

/** What a resource does with the items it delivers, in whatever context its callback runs. */
function record(p: Pipelines, items: string[]): void {
  deliveredIn.push(describeScope(currentScope()));
  const delivery = p.tracer.startSpan('provider.deliver', {
    attributes: { 'provider.items': items, 'provider.count': items.length },
  });
  items.forEach((item, i) => delivery.setAttribute(`provider.item.${i}`, item));
  delivery.end();
  const chunks = p.tracer.startSpan('provider.chunks');
  for (const item of items) chunks.addEvent('chunk', { 'chunk.text': item, 'chunk.size': 1 });
  chunks.end();
  for (const item of items) p.logger.emit({ body: item, attributes: { 'chunk.text': item } });
}

/** A request: its own trace (a server span) and scope; `init` runs in both. */
function beginRequest(p: Pipelines, zeroRetention: boolean, text: string) {
  const span = p.tracer.startSpan(zeroRetention ? 'zrm request' : 'ordinary request', {
    attributes: { 'request.text': text },
  });
  const ctx = trace.setSpan(context.active(), span);
  const scope = context.with(ctx, () => createScope({ zeroRetention, policy }));
  const run = <T>(fn: () => T): T => context.with(ctx, () => scope.run(fn));
  if (zeroRetention) run(() => markSensitive(text));
  return { span, scope, run, end: () => (scope.end(), span.end()) };
}

/** A line-framed connection to the loopback echo server; each echoed line is delivered in the socket's context. */
function openConnection(onItems: (items: string[]) => void): Promise<Socket> {
  return new Promise((resolve) => {
    const socket = connect(echoPort, '127.0.0.1', () => resolve(socket));
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      onItems(lines);
    });
  });
}

/** A batcher: the first add starts the flush timer, in the context of whoever added first. */
function createBatcher(onItems: (items: string[]) => void) {
  let pending: string[] = [];
  return (item: string) => {
    if (pending.length === 0)
      setTimeout(() => {
        const items = pending;
        pending = [];
        onItems(items);
      }, 10);
    pending.push(item);
  };
}

interface Context_ {
  name: string;
  /** The scope the resource's callback runs in. */
  scope: 'none' | 'ordinary in flight' | 'ordinary ended';
  /** Sets up the shared resource and has both requests send through it; resolves once all is delivered. */
  run(
    p: Pipelines,
    zrm: ReturnType<typeof beginRequest>,
    ordinary: ReturnType<typeof beginRequest>,
    texts: { zrm: string; ordinary: string },
  ): Promise<void>;
}

function delivered(count: number) {
  let seen = 0;
  let done: () => void = () => undefined;
  const all = new Promise<void>((resolve) => (done = resolve));
  return {
    all,
    count: (items: string[]) => {
      seen += items.length;
      if (seen >= count) done();
    },
  };
}

async function throughConnection(
  p: Pipelines,
  open: (connect: () => Promise<Socket>) => Promise<Socket>,
  zrm: ReturnType<typeof beginRequest>,
  ordinary: ReturnType<typeof beginRequest>,
  texts: { zrm: string; ordinary: string },
): Promise<void> {
  const wait = delivered(2);
  const socket = await open(() =>
    openConnection((items) => {
      record(p, items);
      wait.count(items);
    }),
  );
  zrm.run(() => socket.write(`${texts.zrm}\n`));
  ordinary.run(() => socket.write(`${texts.ordinary}\n`));
  await wait.all;
  socket.destroy();
}

const contexts: Context_[] = [
  {
    name: 'no scope (a connection opened at start-up)',
    scope: 'none',
    run: (p, zrm, ordinary, texts) => throughConnection(p, (open) => open(), zrm, ordinary, texts),
  },
  {
    name: 'an ordinary request in flight (a shared connection it opened)',
    scope: 'ordinary in flight',
    run: (p, zrm, ordinary, texts) =>
      throughConnection(p, (open) => ordinary.run(open), zrm, ordinary, texts),
  },
  {
    name: 'an ended request (a socket that outlived the ordinary request that opened it)',
    scope: 'ordinary ended',
    run: (p, zrm, ordinary, texts) =>
      throughConnection(
        p,
        async (open) => {
          const opener = beginRequest(p, false, canary('opener'));
          const socket = await opener.run(open);
          opener.end();
          return socket;
        },
        zrm,
        ordinary,
        texts,
      ),
  },
  {
    name: 'a batch timer started by an ordinary request still in flight',
    scope: 'ordinary in flight',
    run: async (p, zrm, ordinary, texts) => {
      const wait = delivered(2);
      const add = createBatcher((items) => {
        record(p, items);
        wait.count(items);
      });
      ordinary.run(() => add(texts.ordinary));
      zrm.run(() => add(texts.zrm));
      await wait.all;
    },
  },
];

async function runIn(ctx: Context_, zrmPipelines: boolean): Promise<Run> {
  const receiver = await startOtlpReceiver();
  const p = startPipelines(zrmPipelines, receiver);
  events.length = 0;
  deliveredIn.length = 0;
  const texts = { zrm: canary('zrm'), ordinary: canary('ordinary') };
  const zrm = beginRequest(p, true, texts.zrm);
  const ordinary = beginRequest(p, false, texts.ordinary);
  await ctx.run(p, zrm, ordinary, texts);
  ordinary.end();
  await p.flush();
  // the ZRM request is in flight until every sink has its data
  zrm.end();
  const run: Run = {
    spans: p.spans.views,
    wrappedExporterSpans: p.viaExporter.views,
    logs: p.logs.getFinishedLogRecords(),
    wire: receiver.received(),
    events: [...events],
    scopes: [...deliveredIn],
    zrmText: texts.zrm,
    ordinaryText: texts.ordinary,
    ordinarySpan: {
      view: p.spans.views.find((v) => v.spanId === ordinary.span.spanContext().spanId),
      same: p.spans.received.includes(ordinary.span as unknown as ReadableSpan),
    },
  };
  await p.shutdown();
  await receiver.close();
  return run;
}

const spanText = (spans: SpanView[], name: string) => dump(spans.filter((s) => s.name === name));
const logView = (r: ReadableLogRecord) => ({ body: r.body, attributes: r.attributes });

describe.each(contexts)('the net in $name', (ctx) => {
  let run: Run;
  let control: Run;
  beforeAll(async () => {
    run = await runIn(ctx, true);
    control = await runIn(ctx, false);
  });

  it('delivers in the context it names, while the ZRM request is in flight', () => {
    expect(new Set(run.scopes)).toEqual(new Set([ctx.scope]));
  });

  it('positive control: without zrm the ZRM canary reaches every sink', () => {
    const zrm = [control.zrmText];
    expect(findCanaries(spanText(control.spans, 'provider.deliver'), zrm)).toEqual(zrm);
    expect(findCanaries(spanText(control.spans, 'provider.chunks'), zrm)).toEqual(zrm);
    expect(findCanaries(dump(control.logs.map(logView)), zrm)).toEqual(zrm);
    expect(findCanaries(control.wire, zrm)).toEqual(zrm);
  });

  it('keeps the ZRM canary out of span attributes, and the ordinary item as it is', () => {
    const text = spanText(run.spans, 'provider.deliver');
    expect(findCanaries(text, [run.zrmText, run.ordinaryText])).toEqual([run.ordinaryText]);
    const attributes = run.spans
      .filter((s) => s.name === 'provider.deliver')
      .flatMap((s) => Object.values(s.attributes));
    expect(attributes).toContain(run.ordinaryText);
    expect(attributes).toContain('[REDACTED]');
    expect(attributes.filter((v) => v === '[REDACTED]').length).toBeGreaterThan(0);
  });

  it('keeps the ZRM canary out of span events, and the ordinary event as it is', () => {
    const chunks = run.spans.filter((s) => s.name === 'provider.chunks');
    const texts = chunks.flatMap((s) => s.events.map((e) => e.attributes?.['chunk.text']));
    expect(texts).toContain(run.ordinaryText);
    expect(texts).toContain('[REDACTED]');
    expect(findCanaries(spanText(run.spans, 'provider.chunks'), [run.zrmText])).toEqual([]);
  });

  it('keeps the ZRM canary out of OTel log records, and the ordinary record as it is', () => {
    const views = run.logs.map(logView);
    expect(findCanaries(dump(views), [run.zrmText])).toEqual([]);
    expect(views).toContainEqual({
      body: run.ordinaryText,
      attributes: { 'chunk.text': run.ordinaryText },
    });
    expect(views).toContainEqual({
      body: '[REDACTED]',
      attributes: { 'chunk.text': '[REDACTED]' },
    });
  });

  it('sends no ZRM canary over OTLP/HTTP (traces and logs), and the ordinary one arrives', () => {
    expect(findCanaries(run.wire, [run.zrmText, run.ordinaryText])).toEqual([run.ordinaryText]);
  });

  it('keeps the ZRM canary out of spans through the exporter wrapper', () => {
    const text = dump(run.wrappedExporterSpans);
    expect(findCanaries(text, [run.zrmText, run.ordinaryText])).toEqual([run.ordinaryText]);
  });

  it("passes the ordinary request's own span as the same object, complete and unmarked", () => {
    expect(run.ordinarySpan.same).toBe(true);
    expect(run.ordinarySpan.view?.attributes).toEqual({ 'request.text': run.ordinaryText });
  });

  it('counts each catch as cross-context, per sink, without content', () => {
    const sinks = new Set(run.events.filter((e) => e.kind === 'cross-context').map((e) => e.sink));
    expect(sinks).toEqual(new Set(['otel.span', 'otel.log']));
    expect(findCanaries(dump(run.events), [run.zrmText, run.ordinaryText])).toEqual([]);
  });
});

describe('the net in an ordinary scope, field by field', () => {
  it('replaces as a whole each name, event, link attribute and status message holding in-flight ZRM content', () => {
    const t = createTracing();
    const secret = canary('fields');
    const kept = canary('kept');
    const zrm = createScope({ zeroRetention: true });
    zrm.run(() => markSensitive(secret));
    runWithScope({ zeroRetention: false }, () => {
      const linked = t.tracer.startSpan('linked');
      linked.end();
      const span = t.tracer.startSpan(`batch for ${secret}`, {
        links: [{ context: linked.spanContext(), attributes: { note: `with ${secret}`, kept } }],
        attributes: { 'batch.inputs': [kept, secret], 'batch.first': kept, 'batch.size': 2 },
      });
      span.addEvent(`item ${secret}`, { index: 1 });
      span.addEvent('item', { text: kept });
      span.setStatus({ code: SpanStatusCode.ERROR, message: `failed on ${secret}` });
      span.end();
    });
    zrm.end();
    const span = t.spans().find((s) => s.name !== 'linked')!;
    expect(exported(span)).toMatchObject({
      name: '[REDACTED]',
      attributes: { 'batch.inputs': '[REDACTED]', 'batch.first': kept, 'batch.size': 2 },
      events: [
        { name: '[REDACTED]', attributes: { index: 1 } },
        { name: 'item', attributes: { text: kept } },
      ],
      links: [{ attributes: { note: '[REDACTED]', kept } }],
      status: { code: SpanStatusCode.ERROR, message: '[REDACTED]' },
    });
    expect(span.attributes['zrm.zero_retention']).toBeUndefined();
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([]);
  });
});
