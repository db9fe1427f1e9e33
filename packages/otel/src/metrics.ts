import { metrics as metricsApi } from '@opentelemetry/api';
import { onZeroRetention, type RedactionEvent } from '@zrm/core';
import type { ZeroRetentionMetrics, ZeroRetentionMetricsOptions } from './types.js';

const SINK = 'zrm.sink';
const SOURCE = 'zrm.source';

/**
 * Content-free counters through `@opentelemetry/api`: ZRM requests (by
 * decision source), redacted fields, dropped records, blocked writes and
 * cross-context removals (by sink name). Never a request id, a key or a value. Pass `onRedaction` as the
 * policy's hook; ZRM requests are counted as their scopes enter ZRM.
 */
export function createZeroRetentionMetrics(
  options: ZeroRetentionMetricsOptions = {},
): ZeroRetentionMetrics {
  const meter = options.meter ?? metricsApi.getMeter('@zrm/otel');
  const requests = meter.createCounter('zrm.requests', {
    description: 'Requests served in Zero Retention Mode',
    unit: '{request}',
  });
  const redacted = meter.createCounter('zrm.redacted_fields', {
    description: 'Fields replaced by a placeholder in Zero Retention Mode',
    unit: '{field}',
  });
  const dropped = meter.createCounter('zrm.dropped_records', {
    description: 'Records dropped because they could not be redacted',
    unit: '{record}',
  });
  const blocked = meter.createCounter('zrm.blocked_writes', {
    description: 'Writes to a retaining sink blocked in Zero Retention Mode',
    unit: '{write}',
  });
  const crossContext = meter.createCounter('zrm.cross_context_fields', {
    description:
      "Values holding an in-flight ZRM request's content removed from a record written in another context",
    unit: '{field}',
  });
  const stop = onZeroRetention((scope) => {
    // a nested scope of a ZRM request is the same request
    if (scope.parent?.zeroRetention !== true) requests.add(1, { [SOURCE]: scope.source });
  });
  const onRedaction = (event: RedactionEvent): void => {
    const count = Number.isFinite(event.count) && event.count > 0 ? event.count : 0;
    if (count === 0) return;
    const attributes = event.sink === undefined ? {} : { [SINK]: String(event.sink).slice(0, 64) };
    if (event.kind === 'redacted') redacted.add(count, attributes);
    else if (event.kind === 'dropped-record') dropped.add(count, attributes);
    else if (event.kind === 'blocked-write') blocked.add(count, attributes);
    else if (event.kind === 'cross-context') crossContext.add(count, attributes);
  };
  return { onRedaction, dispose: () => void stop() };
}
