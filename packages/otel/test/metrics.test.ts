import { definePolicy, guardWrite, markSensitive, redact, runWithScope } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { createZeroRetentionMetrics } from '@zrm/otel';
import { describe, expect, it } from 'vitest';
import { canary, dump, findCanaries } from './support/canary.js';
import { sdkMetrics } from './support/otel-sdk.js';
import { createTracing } from './support/tracing.js';

const {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} = sdkMetrics;

interface Point {
  name: string;
  attributes: Record<string, unknown>;
  value: number;
}

async function collect(
  reader: InstanceType<typeof PeriodicExportingMetricReader>,
  exporter: InstanceType<typeof InMemoryMetricExporter>,
): Promise<Point[]> {
  await reader.forceFlush();
  const points: Point[] = [];
  for (const resource of exporter.getMetrics()) {
    for (const scope of resource.scopeMetrics) {
      for (const metric of scope.metrics) {
        for (const p of metric.dataPoints) {
          points.push({
            name: metric.descriptor.name,
            attributes: p.attributes,
            value: p.value as number,
          });
        }
      }
    }
  }
  exporter.reset();
  return points;
}

/** A real meter provider with an in-memory reader, zrm's metrics on it, and a policy that reports to them. */
function startMetrics(temporality = AggregationTemporality.CUMULATIVE) {
  const exporter = new InMemoryMetricExporter(temporality);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ readers: [reader] });
  const zrmMetrics = createZeroRetentionMetrics({ meter: provider.getMeter('zrm-test') });
  return {
    zrmMetrics,
    policy: definePolicy({ onRedaction: zrmMetrics.onRedaction }),
    points: () => collect(reader, exporter),
    shutdown: () => provider.shutdown(),
  };
}

describe('createZeroRetentionMetrics', () => {
  it('counts ZRM requests once each, redacted fields and blocked writes with low-cardinality attributes and no content', async () => {
    const { zrmMetrics, policy, points: read, shutdown } = startMetrics();
    const secret = canary('metrics');
    const write = guardWrite(() => 'written', { sink: 'history' });
    for (let i = 0; i < 3; i++) {
      runWithScope(
        { zeroRetention: true, source: 'request', policy, requestId: `req-${secret}-${i}` },
        () => {
          redact({ text: secret, prompt: secret, route: '/v1/tts' });
          write();
          // work the request starts in a nested scope is still one request
          runWithScope({ zeroRetention: false }, () => undefined);
        },
      );
    }
    runWithScope({ zeroRetention: false, policy }, () => write());
    const points = await read();
    zrmMetrics.dispose();
    await shutdown();
    const byName = (name: string) => points.filter((p) => p.name === name);
    expect(byName('zrm.requests')).toEqual([
      { name: 'zrm.requests', attributes: { 'zrm.source': 'request' }, value: 3 },
    ]);
    expect(byName('zrm.redacted_fields')).toEqual([
      { name: 'zrm.redacted_fields', attributes: {}, value: 6 },
    ]);
    expect(byName('zrm.blocked_writes')).toEqual([
      { name: 'zrm.blocked_writes', attributes: { 'zrm.sink': 'history' }, value: 3 },
    ]);
    expect(findCanaries(dump(points), [secret])).toEqual([]);
  });

  it('counts values of an in-flight ZRM request removed from a span ended in an ordinary scope, by sink', async () => {
    const { zrmMetrics, policy, points: read, shutdown } = startMetrics();
    const secret = canary('cross');
    const zrm = createScope({ zeroRetention: true });
    zrm.run(() => markSensitive(secret));
    const { tracer } = createTracing();
    runWithScope({ zeroRetention: false, policy }, () => {
      tracer
        .startSpan('batch', { attributes: { 'batch.inputs': [secret], a: secret, b: 'b' } })
        .end();
    });
    zrm.end();
    const points = await read();
    zrmMetrics.dispose();
    await shutdown();
    expect(points.filter((p) => p.name === 'zrm.cross_context_fields')).toEqual([
      { name: 'zrm.cross_context_fields', attributes: { 'zrm.sink': 'otel.span' }, value: 2 },
    ]);
  });

  it('stops counting ZRM requests after dispose', async () => {
    const { zrmMetrics, points: read, shutdown } = startMetrics(AggregationTemporality.DELTA);
    runWithScope({ zeroRetention: true }, () => undefined);
    zrmMetrics.dispose();
    runWithScope({ zeroRetention: true }, () => undefined);
    const points = await read();
    await shutdown();
    expect(points.filter((p) => p.name === 'zrm.requests').map((p) => p.value)).toEqual([1]);
  });
});
