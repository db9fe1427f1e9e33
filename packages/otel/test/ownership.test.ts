import { context, trace, type Context } from '@opentelemetry/api';
import { markSensitive, type ZrmScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { traceMarks } from '../src/trace-marks.js';
import { afterEach, describe, expect, it } from 'vitest';
import { canary } from './support/canary.js';
import { createLogging } from './support/logging.js';
import { createTracing } from './support/tracing.js';

afterEach(() => {
  traceMarks.graceMs = 10_000;
});

const t = createTracing();
const { logger, records } = createLogging();

/** A request: its trace (a server span) and a scope created in it, as the adapters do. */
function request(zeroRetention: boolean): { ctx: Context; scope: ZrmScope; traceId: string } {
  const span = t.tracer.startSpan(zeroRetention ? 'zrm request' : 'ordinary request');
  span.end();
  const ctx = trace.setSpan(context.active(), span);
  const scope = context.with(ctx, () => createScope({ zeroRetention }));
  return { ctx, scope, traceId: span.spanContext().traceId };
}

/** A ZRM request in flight with registered content, and an ordinary request with its own. */
function zrmAndOrdinary() {
  const zrm = request(true);
  const secret = canary('zrm');
  zrm.scope.run(() => markSensitive(secret));
  return { zrm, secret, ordinary: request(false), kept: canary('kept') };
}

const lastSpan = (name: string) =>
  t
    .spans()
    .filter((s) => s.name === name)
    .at(-1)!;

describe('whose span is it: decided by the trace, not by the async context', () => {
  it("a span of an ordinary trace ending in a ZRM scope's context is not ZRM: it loses only in-flight content", () => {
    const { zrm, secret, ordinary, kept } = zrmAndOrdinary();
    const span = t.tracer.startSpan(
      'GET',
      { attributes: { 'url.query': `q=${kept}` } },
      ordinary.ctx,
    );
    // a pooled socket's callback: the ZRM request's contexts (both) are current
    context.with(zrm.ctx, () =>
      zrm.scope.run(() => {
        span.setAttribute('leak', `saw ${secret}`);
        span.end();
      }),
    );
    zrm.scope.end();
    expect(lastSpan('GET').attributes).toEqual({ 'url.query': `q=${kept}`, leak: '[REDACTED]' });
    expect(traceMarks.lookup(ordinary.traceId)).toBeUndefined();
  });

  it("a span started in a ZRM scope's context under an ordinary trace does not mark that trace", () => {
    const zrm = request(true);
    const ordinary = request(false);
    zrm.scope.run(() => t.tracer.startSpan('callback', {}, ordinary.ctx).end());
    zrm.scope.end();
    expect(traceMarks.lookup(ordinary.traceId)).toBeUndefined();
    expect(lastSpan('callback').attributes['zrm.zero_retention']).toBeUndefined();
  });

  it('fails closed: a root span started in a ZRM scope is ZRM, and so is its trace', () => {
    const zrm = request(true);
    const root = zrm.scope.run(() => t.tracer.startSpan('job', { root: true }, zrm.ctx));
    zrm.scope.end();
    root.setAttribute('gen_ai.prompt', canary('job'));
    root.end();
    expect(lastSpan('job').attributes['gen_ai.prompt']).toBe('[REDACTED]');
    expect(traceMarks.lookup(root.spanContext().traceId)).toBeDefined();
  });

  it('fails closed: in a ZRM scope that has no trace of its own, every span is ZRM', () => {
    const scope = createScope({ zeroRetention: true });
    const ordinary = request(false);
    scope.run(() =>
      t.tracer.startSpan('any', { attributes: { 'gen_ai.prompt': 'p' } }, ordinary.ctx).end(),
    );
    scope.end();
    expect(lastSpan('any').attributes).toEqual({
      'gen_ai.prompt': '[REDACTED]',
      'zrm.zero_retention': true,
    });
  });

  it("a span of the scope's own trace ending in its context is ZRM even after the mark expired", async () => {
    traceMarks.graceMs = 1;
    const zrm = request(true);
    zrm.scope.end();
    // the grace period starts when the mark is first seen with every owner ended
    expect(traceMarks.lookup(zrm.traceId)).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(traceMarks.lookup(zrm.traceId)).toBeUndefined();
    zrm.scope.run(() =>
      t.tracer.startSpan('late', { attributes: { 'gen_ai.prompt': 'p' } }, zrm.ctx).end(),
    );
    expect(lastSpan('late').attributes['gen_ai.prompt']).toBe('[REDACTED]');
  });

  it("a log record of an ordinary trace emitted in a ZRM scope's context is cleaned, not ZRM", () => {
    const { zrm, secret, ordinary, kept } = zrmAndOrdinary();
    zrm.scope.run(() =>
      logger.emit({ body: kept, attributes: { text: kept, other: secret }, context: ordinary.ctx }),
    );
    zrm.scope.end();
    const record = records().at(-1)!;
    expect({ body: record.body, attributes: record.attributes }).toEqual({
      body: kept,
      attributes: { text: kept, other: '[REDACTED]' },
    });
  });

  it('fails closed: a log record with no trace emitted in a ZRM scope is ZRM', () => {
    const zrm = request(true);
    zrm.scope.run(() => logger.emit({ body: 'b', attributes: { text: 'content' } }));
    zrm.scope.end();
    const record = records().at(-1)!;
    expect(record.attributes).toEqual({ text: '[REDACTED]', 'zrm.zero_retention': true });
  });
});
