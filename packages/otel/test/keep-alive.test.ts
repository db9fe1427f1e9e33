import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { markSensitive, runWithScope } from '@zrm/core';
import { traceMarks } from '../src/trace-marks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { createTracing, exported } from './support/tracing.js';

const tracing = createTracing();
const undici = new UndiciInstrumentation();
undici.setTracerProvider(tracing.provider);

let server: Server;
let origin: string;
let connections = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  undici.disable();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A request of a service: its own trace (a server span) and scope, calling `origin` with global fetch. */
async function serve(zeroRetention: boolean, text: string): Promise<string> {
  const root = tracing.tracer.startSpan(zeroRetention ? 'zrm request' : 'ordinary request', {
    attributes: { 'request.text': text },
  });
  await context.with(trace.setSpan(context.active(), root), () =>
    runWithScope({ zeroRetention }, async () => {
      if (zeroRetention) markSensitive(text);
      await (await fetch(`${origin}/v1/tts?text=${text}`)).text();
    }),
  );
  root.end();
  return root.spanContext().traceId;
}

describe('a keep-alive connection opened by a ZRM request (undici, global fetch)', () => {
  it('leaves the client spans of later ordinary requests to the same origin complete and unmarked', async () => {
    const zrmText = canary('zrm');
    const zrmTraces: string[] = [];
    // several, one after another: the pool opens its connections during ZRM traffic
    for (let i = 0; i < 4; i++) zrmTraces.push(await serve(true, zrmText));
    const opened = connections;
    const ordinary = [];
    for (let i = 0; i < 4; i++) {
      const text = canary('ordinary');
      ordinary.push({ text, traceId: await serve(false, text) });
    }
    // every ordinary request went over a socket that a ZRM request opened
    expect(connections).toBe(opened);
    for (const { text, traceId } of ordinary) {
      const client = tracing
        .spans()
        .find((s) => s.kind === SpanKind.CLIENT && s.spanContext().traceId === traceId)!;
      expect(client.attributes['url.full']).toBe(`${origin}/v1/tts?text=${text}`);
      expect(client.attributes['zrm.zero_retention']).toBeUndefined();
      const root = tracing.spans().find((s) => s.spanContext().traceId === traceId && s !== client);
      expect(root?.attributes).toEqual({ 'request.text': text });
      expect(traceMarks.lookup(traceId)).toBeUndefined();
    }
    const zrmSpans = tracing.spans().filter((s) => zrmTraces.includes(s.spanContext().traceId));
    expect(zrmSpans.length).toBe(8);
    expect(zrmSpans.every((s) => s.attributes['zrm.zero_retention'] === true)).toBe(true);
    expect(findCanaries(dump(zrmSpans.map(exported)), [zrmText])).toEqual([]);
  });
});
