import { createRequire } from 'node:module';
import * as otelApi from '@opentelemetry/api';
import { trace, type Tracer } from '@opentelemetry/api';
import { logs as apiLogs, type Logger as OtelLogger } from '@opentelemetry/api-logs';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Policy } from '@zrm/core';
import {
  ZeroRetentionLogRecordProcessor,
  ZeroRetentionPropagator,
  ZeroRetentionSpanProcessor,
} from '@zrm/otel';

type LogsApi = Pick<typeof apiLogs, 'getLogger'>;

/**
 * The Logs API that NodeSDK registers its logger provider with: `@opentelemetry/api`'s
 * own `logs` from api 1.10 on (SDK 3 never registers with api-logs, whose loggers would
 * drop every record), else `@opentelemetry/api-logs` (SDK 2, api 1.9).
 */
function logsApi(): LogsApi {
  return (Reflect.get(otelApi, 'logs') as LogsApi | undefined) ?? apiLogs;
}

export interface Telemetry {
  tracer: Tracer;
  logger: OtelLogger;
  shutdown(): Promise<void>;
}

/**
 * The OpenTelemetry SDK as production wires it: OTLP/HTTP exporters for traces
 * and logs behind batch processors — with the zrm processors in front of them,
 * so a ZRM request's content never reaches the exporters. `instrumentations`:
 * those `instrument()` enabled before the app was imported (http only when absent).
 */
export function startTelemetry(
  otlpUrl: string,
  policy: Policy,
  zeroRetention = true,
  instrumentations: Instrumentation[] = [new HttpInstrumentation()],
): Telemetry {
  const base = otlpUrl.replace(/\/+$/, '');
  const batch = { scheduledDelayMillis: 200 };
  const spans = new BatchSpanProcessor(new OTLPTraceExporter({ url: `${base}/v1/traces` }), batch);
  const records = new BatchLogRecordProcessor({
    exporter: new OTLPLogExporter({ url: `${base}/v1/logs` }),
    ...batch,
  });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': 'voice-api' }),
    spanProcessors: [zeroRetention ? new ZeroRetentionSpanProcessor(spans, { policy }) : spans],
    logRecordProcessors: [
      zeroRetention ? new ZeroRetentionLogRecordProcessor(records, { policy }) : records,
    ],
    textMapPropagator: new CompositePropagator({
      propagators: [
        new W3CTraceContextPropagator(),
        new W3CBaggagePropagator(),
        new ZeroRetentionPropagator(),
      ],
    }),
    instrumentations,
  });
  sdk.start();
  // ESM imports do not pass through require hooks: load http once through require so it is patched
  createRequire(import.meta.url)('node:http');
  return {
    tracer: trace.getTracer('voice-api'),
    logger: logsApi().getLogger('voice-api'),
    async shutdown() {
      await sdk.shutdown();
    },
  };
}
