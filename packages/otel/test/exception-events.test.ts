import { SpanStatusCode } from '@opentelemetry/api';
import { definePolicy, markSensitive, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { ZeroRetentionSpanExporter } from '@zrm/otel';
import { describe, expect, it } from 'vitest';
import { contentErrors } from '../../../test/support/errors.js';
import { canary, dump, findCanaries } from './support/canary.js';
import {
  createTracerProvider,
  InMemorySpanExporter,
  simpleSpanProcessor,
  type ReadableSpan,
} from './support/otel-sdk.js';
import { createTracing, exported, useContextManager } from './support/tracing.js';

type Tracer = ReturnType<typeof createTracing>['tracer'];

/** What an instrumentation does with a failed operation: one span, the error recorded on it. */
function recordFailure(tracer: Tracer, error: unknown): void {
  const span = tracer.startSpan('provider.call');
  span.recordException(error as Error);
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

const exceptionOf = (span: ReadableSpan | undefined): Record<string, unknown> =>
  span?.events.find((event) => event.name === 'exception')?.attributes ?? {};

/** An error whose message quotes what its cause said, as wrappers of provider errors do. */
function quoting(cause: unknown, said: string): Error {
  return new Error(`provider failed: ${said}`, { cause });
}

/** A ZRM request still in flight that registered `text`. */
function inFlight(text: string) {
  const scope = createScope({
    zeroRetention: true,
    policy: definePolicy({ taint: { graceMs: 0 } }),
  });
  scope.run(() => markSensitive(text));
  return scope;
}

describe('exception events of the real SDK', () => {
  it("records only an error's type, message and stack: no cause, AggregateError reason or SuppressedError value", async () => {
    const t = createTracing();
    const errors = Object.values(await contentErrors(canary));
    runWithScope({ zeroRetention: false }, () => {
      for (const { err } of errors) recordFailure(t.tracer, err);
    });
    const attributes = t.spans().map(exceptionOf);
    for (const keys of attributes.map(Object.keys)) {
      expect(
        keys.every((k) =>
          ['exception.type', 'exception.message', 'exception.stacktrace'].includes(k),
        ),
      ).toBe(true);
    }
    // what the SDK never records cannot reach an exporter in any mode; only message and stack can
    const hidden = errors.flatMap(({ err, canaries }) =>
      canaries.filter((c) => !err.message.includes(c)),
    );
    expect(hidden.length).toBeGreaterThan(10);
    expect(findCanaries(dump(attributes), hidden)).toEqual([]);
  });

  it("drops cause and reason content from a ZRM span's exception event, message and stack included", async () => {
    const t = createTracing();
    const errors = Object.values(await contentErrors(canary));
    runWithScope({ zeroRetention: true }, () => {
      for (const { err, canaries } of errors) {
        recordFailure(t.tracer, err);
        recordFailure(t.tracer, quoting(err, canaries.join(' ')));
      }
    });
    const canaries = errors.flatMap((e) => e.canaries);
    expect(findCanaries(dump(t.spans().map(exported)), canaries)).toEqual([]);
    const events = t.spans().map(exceptionOf);
    expect(events.map((e) => e['exception.message'])).toEqual(events.map(() => '[REDACTED]'));
    expect(String(events[0]!['exception.stacktrace'])).toMatch(/^\[REDACTED\]\n\s+at /);
    expect(events[0]!['exception.type']).toBe('SyntaxError');
  });

  it('writes the same quoted cause content in an ordinary span (positive control)', async () => {
    const t = createTracing();
    const errors = Object.values(await contentErrors(canary));
    runWithScope({ zeroRetention: false }, () => {
      for (const { err, canaries } of errors)
        recordFailure(t.tracer, quoting(err, canaries.join(' ')));
    });
    const canaries = errors.flatMap((e) => e.canaries);
    expect(findCanaries(dump(t.spans().map(exported)), canaries)).toEqual(canaries);
  });

  it('drops a line of a several-line ZRM message that looks like a stack frame', () => {
    const t = createTracing();
    const c = canary('frame-like');
    const message = `transcript follows:\n    at the station ${c} we met`;
    runWithScope({ zeroRetention: true }, () => recordFailure(t.tracer, new Error(message)));
    runWithScope({ zeroRetention: false }, () => recordFailure(t.tracer, new Error(message)));
    const [zrm, ordinary] = t.spans().map(exceptionOf);
    expect(findCanaries(dump(zrm), [c])).toEqual([]);
    expect(String(zrm!['exception.stacktrace'])).toMatch(/^\[REDACTED\]\n\s+at /);
    expect(findCanaries(dump(ordinary), [c])).toEqual([c]);
  });

  it('scrubs in-flight ZRM content a cause carried into an ordinary span exported through the exporter wrapper', async () => {
    useContextManager();
    const memory = new InMemorySpanExporter();
    const provider = createTracerProvider([
      simpleSpanProcessor(new ZeroRetentionSpanExporter(memory)),
    ]);
    const tracer = provider.getTracer('t');
    const text = canary('in-flight');
    const kept = canary('ordinary');
    const zrm = inFlight(text);
    const agg = (await contentErrors(canary)).aggregate.err as AggregateError;
    // a shared provider connection of an ordinary request carries the ZRM request's completion
    runWithScope({ zeroRetention: false }, () => {
      recordFailure(tracer, quoting(text, text));
      recordFailure(tracer, new AggregateError(agg.errors, `every reason: ${text}`));
      recordFailure(tracer, quoting(kept, kept));
    });
    zrm.end();
    const written = dump(memory.getFinishedSpans().map(exported));
    expect(findCanaries(written, [text, kept])).toEqual([kept]);
  });

  it('scrubs in-flight ZRM content a cause carried into a span ended with no scope', () => {
    const t = createTracing();
    const text = canary('lost');
    const zrm = inFlight(text);
    // no scope current: a pool callback that lost the async context
    recordFailure(t.tracer, quoting(text, text));
    zrm.end();
    const exception = exceptionOf(t.spans()[0]);
    expect(findCanaries(dump(exception), [text])).toEqual([]);
    expect(exception['exception.message']).toBe('[REDACTED]');

    // positive control: nothing registered, the same span keeps it
    const u = createTracing();
    recordFailure(u.tracer, quoting(text, text));
    expect(findCanaries(dump(u.spans().map(exported)), [text])).toEqual([text]);
  });
});
