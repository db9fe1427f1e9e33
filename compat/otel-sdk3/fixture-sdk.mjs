// The SDK 3 line for the child-process fixtures of packages/otel/test: the same names as
// packages/otel/test/fixtures/otel-sdk.mjs (SDK 2), which ./child-hooks.mjs swaps for this.
import { logs } from '@opentelemetry/api';
import { BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace';

export { NodeSDK } from '@opentelemetry/sdk-node';

/** The Logs API that NodeSDK registers its logger provider with: api 1.10's. */
export const logsApi = logs;

export const batchSpanProcessor = (exporter) => new BatchSpanProcessor({ exporter });

export const batchLogRecordProcessor = (exporter) => new BatchLogRecordProcessor({ exporter });
