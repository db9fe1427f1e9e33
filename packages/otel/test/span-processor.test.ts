import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { ZeroRetentionSpanProcessor, type ZrmOtelError } from '@zrm/otel';
import { traceMarks } from '../src/trace-marks.js';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { createTracing, exported } from './support/tracing.js';

afterEach(() => {
  traceMarks.graceMs = 10_000;
});

/** Records a span full of content: attributes, an event, an exception, a link, a status message. */
function contentSpan(
  tracer: ReturnType<typeof createTracing>['tracer'],
  c: Record<string, string>,
): void {
  const linked = tracer.startSpan('linked');
  linked.end();
  const span = tracer.startSpan(`POST /v1/tts?text=${c.name}`, {
    links: [{ context: linked.spanContext(), attributes: { 'gen_ai.prompt': c.link } }],
  });
  span.setAttributes({
    'http.route': '/v1/tts',
    'http.response.status_code': 200,
    'gen_ai.request.model': 'eleven_v3',
    'gen_ai.input.messages': JSON.stringify([{ role: 'user', content: c.input }]),
    'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', content: c.output }]),
    'gen_ai.system_instructions': c.system,
    'gen_ai.tool.call.arguments': c.args,
    'gen_ai.tool.call.result': c.result,
    'http.request.body': c.body,
    'url.full': `http://127.0.0.1/v1/tts?text=${c.query}&model_id=eleven_v3`,
    'url.query': `text=${c.query}`,
    'http.target': `/v1/tts?text=${c.query}`,
    'http.url': `http://127.0.0.1/v1/tts?text=${c.query}`,
  });
  span.addEvent('gen_ai.content.prompt', { 'gen_ai.prompt': c.event });
  span.recordException(new Error(`could not synthesize ${c.exception}`));
  span.setStatus({ code: SpanStatusCode.ERROR, message: `failed on ${c.status}` });
  span.end();
}

const labels = [
  'name',
  'link',
  'input',
  'output',
  'system',
  'args',
  'result',
  'body',
  'query',
  'event',
  'exception',
  'status',
];
const canaries = (): Record<string, string> =>
  Object.fromEntries(labels.map((l) => [l, canary(l)]));

describe('ZeroRetentionSpanProcessor', () => {
  it('exports no canary from the name, attributes, events, exception, links or status of a ZRM span', () => {
    const t = createTracing();
    const c = canaries();
    runWithScope({ zeroRetention: true }, () => contentSpan(t.tracer, c));
    const text = dump(t.spans().map(exported));
    expect(findCanaries(text, Object.values(c))).toEqual([]);
    const span = t.spans().find((s) => s.name.startsWith('POST'))!;
    expect(span.attributes['gen_ai.input.messages']).toBe('[REDACTED]');
    expect(span.attributes['url.full']).toBe(
      'http://127.0.0.1/v1/tts?text=[REDACTED]&model_id=eleven_v3',
    );
    expect(span.name).toBe('POST /v1/tts?text=[REDACTED]');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: '[REDACTED]' });
  });

  it('keeps metadata of a ZRM span: route, status code, model, exception type and stack frames', () => {
    const t = createTracing();
    runWithScope({ zeroRetention: true }, () => contentSpan(t.tracer, canaries()));
    const span = t.spans().find((s) => s.name.startsWith('POST'))!;
    expect(span.attributes['http.route']).toBe('/v1/tts');
    expect(span.attributes['http.response.status_code']).toBe(200);
    expect(span.attributes['gen_ai.request.model']).toBe('eleven_v3');
    expect(span.attributes['zrm.zero_retention']).toBe(true);
    const exception = span.events.find((e) => e.name === 'exception')!;
    expect(exception.attributes?.['exception.type']).toBe('Error');
    const stack = String(exception.attributes?.['exception.stacktrace']);
    expect(stack.startsWith('[REDACTED]\n    at ')).toBe(true);
  });

  it('passes a span of an ordinary request untouched, with every canary', () => {
    const t = createTracing();
    const c = canaries();
    runWithScope({ zeroRetention: false }, () => contentSpan(t.tracer, c));
    const text = dump(t.spans().map(exported));
    expect(findCanaries(text, Object.values(c))).toEqual(Object.values(c));
    const span = t.spans().find((s) => s.name.startsWith('POST'))!;
    expect(span.attributes['gen_ai.system_instructions']).toBe(c.system);
    expect(span.attributes['zrm.zero_retention']).toBeUndefined();
  });

  it('redacts a span that started before the request entered ZRM (the HTTP server span)', () => {
    const t = createTracing();
    const secret = canary('early');
    const server = t.tracer.startSpan(`GET /stream?text=${secret}`, {
      attributes: { 'url.query': `text=${secret}`, 'http.target': `/stream?text=${secret}` },
    });
    const scope = context.with(trace.setSpan(context.active(), server), () =>
      createScope({ zeroRetention: true }),
    );
    scope.run(() => markSensitive(secret));
    scope.end();
    server.end();
    const text = dump(t.spans().map(exported));
    expect(findCanaries(text, [secret])).toEqual([]);
    expect(t.spans()[0]!.attributes['http.target']).toBe('/stream?text=[REDACTED]');
  });

  it('redacts the server span of a request tightened to ZRM after it started as ordinary', () => {
    const t = createTracing();
    const secret = canary('tightened');
    const server = t.tracer.startSpan('GET /agent', { attributes: { 'url.query': `q=${secret}` } });
    const ctx = trace.setSpan(context.active(), server);
    const scope = context.with(ctx, () => createScope({ zeroRetention: false }));
    // the policy answered later (a forced agent): the scope is tightened in the request's context
    context.with(ctx, () => scope.tighten('policy'));
    scope.end();
    server.end();
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([]);
  });

  it('redacts every span of a trace marked ZRM that ends outside the scope within the grace period', () => {
    const t = createTracing();
    const secret = canary('late');
    const parent = t.tracer.startSpan('request');
    const ctx = trace.setSpan(context.active(), parent);
    context.with(ctx, () => runWithScope({ zeroRetention: true }, () => undefined));
    // a span of the same trace, ended after the scope, with no scope current
    const late = t.tracer.startSpan('background', { attributes: { 'gen_ai.prompt': secret } }, ctx);
    late.end();
    parent.end();
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([]);
  });

  it('stops treating a trace as ZRM once the grace period after its scope has passed', async () => {
    const t = createTracing();
    traceMarks.graceMs = 1;
    const parent = t.tracer.startSpan('request');
    const ctx = trace.setSpan(context.active(), parent);
    context.with(ctx, () => runWithScope({ zeroRetention: true }, () => undefined));
    expect(traceMarks.lookup(parent.spanContext().traceId)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(traceMarks.lookup(parent.spanContext().traceId)).toBeUndefined();
    const kept = canary('kept');
    t.tracer.startSpan('later', { attributes: { 'gen_ai.prompt': kept } }, ctx).end();
    expect(t.spans()[0]!.attributes['gen_ai.prompt']).toBe(kept);
  });

  it('removes registered content of an in-flight ZRM request from a span that lost its context', () => {
    const t = createTracing();
    const secret = canary('lost');
    const scope = createScope({ zeroRetention: true });
    scope.run(() => markSensitive(secret));
    // no scope current: a callback that lost the async context
    t.tracer.startSpan('pool', { attributes: { 'db.statement': `select '${secret}'` } }).end();
    scope.end();
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([]);
    expect(t.spans()[0]!.attributes['db.statement']).toBe('[REDACTED]');
  });

  it('drops a ZRM span it cannot read and reports a content-free error (fail closed)', () => {
    const errors: ZrmOtelError[] = [];
    const t = createTracing({ onError: (e) => errors.push(e) });
    const secret = canary('unreadable');
    runWithScope({ zeroRetention: true }, () => {
      const span = t.tracer.startSpan('evil');
      span.setAttribute('gen_ai.prompt', secret);
      // an attribute map whose reads throw: redaction cannot proceed
      Object.defineProperty(span, 'events', {
        get() {
          throw new Error(secret);
        },
      });
      span.end();
    });
    expect(t.spans()).toEqual([]);
    expect(errors).toEqual([{ where: 'span-processor', action: 'dropped', errorType: 'Error' }]);
    expect(findCanaries(dump(errors), [secret])).toEqual([]);
  });

  it('never throws into the caller when the inner processor throws', () => {
    const errors: ZrmOtelError[] = [];
    const inner = {
      onStart: () => {
        throw new Error('boom');
      },
      onEnd: () => {
        throw new Error('boom');
      },
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const processor = new ZeroRetentionSpanProcessor(inner, { onError: (e) => errors.push(e) });
    const span = createTracing().tracer.startSpan('x');
    span.end();
    expect(() => processor.onStart(span as never, context.active())).not.toThrow();
    expect(() => processor.onEnd(span as never)).not.toThrow();
    expect(errors.map((e) => e.action)).toEqual(['forward-failed', 'forward-failed']);
  });

  it('shuts the inner processor down once and forwards forceFlush', async () => {
    let shutdowns = 0;
    let flushes = 0;
    const ended: unknown[] = [];
    const inner = {
      onStart: () => undefined,
      onEnd: (s: unknown) => ended.push(s),
      forceFlush: () => {
        flushes++;
        return Promise.resolve();
      },
      shutdown: () => {
        shutdowns++;
        return Promise.resolve();
      },
    };
    const processor = new ZeroRetentionSpanProcessor(inner);
    await processor.forceFlush();
    await Promise.all([processor.shutdown(), processor.shutdown()]);
    const span = createTracing().tracer.startSpan('after-shutdown');
    span.end();
    processor.onEnd(span as never);
    expect({ shutdowns, flushes, ended: ended.length }).toEqual({
      shutdowns: 1,
      flushes: 1,
      ended: 0,
    });
  });
});
