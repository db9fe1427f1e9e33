import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  trace,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { runWithScope } from '@zrm/core';
import { isPropagatedZeroRetention, ZeroRetentionPropagator } from '@zrm/otel';
import { beforeAll, describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { createTracing, exported, useContextManager } from './support/tracing.js';

const TRUSTED = 'x-test-peer';
const composite = new CompositePropagator({
  propagators: [
    new W3CTraceContextPropagator(),
    new W3CBaggagePropagator(),
    new ZeroRetentionPropagator({
      trustPeer: (carrier) => (carrier as Record<string, string>)[TRUSTED] === 'a',
    }),
  ],
});

beforeAll(() => useContextManager());

function inject(): Record<string, string> {
  const headers: Record<string, string> = {};
  const baggage = propagation.createBaggage({ tenant: { value: 'acme co' } });
  composite.inject(
    propagation.setBaggage(context.active(), baggage),
    headers,
    defaultTextMapSetter,
  );
  return headers;
}

describe('ZeroRetentionPropagator', () => {
  it('adds baggage zrm=1 to outgoing requests of a ZRM scope and keeps the other baggage entries', () => {
    const headers = runWithScope({ zeroRetention: true }, inject);
    expect(headers.baggage?.split(',').sort()).toEqual(['tenant=acme%20co', 'zrm=1']);
  });

  it('adds no zrm entry to outgoing requests of an ordinary scope', () => {
    const headers = runWithScope({ zeroRetention: false }, inject);
    expect(headers.baggage).toBe('tenant=acme%20co');
  });

  it('cannot be downgraded: a zrm=0 in the baggage of a ZRM scope goes out as zrm=1', () => {
    const headers: Record<string, string> = {};
    runWithScope({ zeroRetention: true }, () => {
      const baggage = propagation.createBaggage({ zrm: { value: '0' } });
      composite.inject(
        propagation.setBaggage(context.active(), baggage),
        headers,
        defaultTextMapSetter,
      );
    });
    expect(headers.baggage).toBe('zrm=1');
  });

  it('honours an inbound zrm=1 from a trusted peer and passes it on', () => {
    const inbound = { baggage: 'zrm=1', [TRUSTED]: 'a' };
    const ctx = composite.extract(context.active(), inbound, defaultTextMapGetter);
    expect(isPropagatedZeroRetention(ctx)).toBe(true);
    const outbound: Record<string, string> = {};
    composite.inject(ctx, outbound, defaultTextMapSetter);
    expect(outbound.baggage).toBe('zrm=1');
  });

  it('ignores an inbound zrm=1 from an untrusted peer and does not pass it on', () => {
    const inbound = { baggage: 'zrm=1,tenant=acme', [TRUSTED]: 'mallory' };
    const ctx = composite.extract(context.active(), inbound, defaultTextMapGetter);
    expect(isPropagatedZeroRetention(ctx)).toBe(false);
    const outbound: Record<string, string> = {};
    composite.inject(ctx, outbound, defaultTextMapSetter);
    expect(outbound.baggage).toBe('tenant=acme');
  });

  it('treats a throwing trust check as untrusted', () => {
    const propagator = new ZeroRetentionPropagator({
      trustPeer: () => {
        throw new Error('lookup failed');
      },
    });
    const ctx = propagator.extract(context.active(), { baggage: 'zrm=1' }, defaultTextMapGetter);
    expect(isPropagatedZeroRetention(ctx)).toBe(false);
  });

  it('redacts every span of a request whose trusted caller propagated ZRM, before any adapter runs', () => {
    const t = createTracing();
    const secret = canary('propagated');
    const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const inbound = { traceparent: parent, baggage: 'zrm=1', [TRUSTED]: 'a' };
    const ctx = composite.extract(context.active(), inbound, defaultTextMapGetter);
    const server = t.tracer.startSpan(
      'GET /b',
      { attributes: { 'url.query': `text=${secret}` } },
      ctx,
    );
    const inner = t.tracer.startSpan(
      'work',
      { attributes: { 'gen_ai.prompt': secret } },
      trace.setSpan(ctx, server),
    );
    inner.end();
    server.end();
    expect(t.spans()).toHaveLength(2);
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([]);
  });

  it('keeps the content of spans whose untrusted caller sent zrm=1 (an attacker cannot hide from logs)', () => {
    const t = createTracing();
    const secret = canary('attacker');
    const parent = '00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const inbound = { traceparent: parent, baggage: 'zrm=1', [TRUSTED]: 'mallory' };
    const ctx = composite.extract(context.active(), inbound, defaultTextMapGetter);
    t.tracer.startSpan('GET /b', { attributes: { 'url.query': `text=${secret}` } }, ctx).end();
    expect(findCanaries(dump(t.spans().map(exported)), [secret])).toEqual([secret]);
  });

  it('rejects a trustPeer that is not a function with a TypeError', () => {
    expect(() => new ZeroRetentionPropagator({ trustPeer: 'yes' as never })).toThrow(TypeError);
  });
});
