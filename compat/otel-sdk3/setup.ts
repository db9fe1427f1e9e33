// Runs before each test file of the otel-sdk3 project: fails the file unless what the
// tests and `@zrm/otel`'s src actually load is the SDK 3 line, so a resolution that fell
// back to packages/otel's SDK 2 (api 1.9) cannot pass unnoticed.
import * as api from '@opentelemetry/api';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  createTracerProvider,
  InMemoryLogRecordExporter,
  InMemorySpanExporter,
  LoggerProvider,
  SDK_LINE,
  SimpleLogRecordProcessor,
  simpleSpanProcessor,
} from '../../packages/otel/test/support/otel-sdk.js';
// resolved from packages/otel, as `@zrm/otel`'s src is: packages/otel's own copy would be api 1.9
import { trace as testsTrace } from '../../packages/otel/test/support/tracing.js';

/** The version of `@opentelemetry/api` behind the process-wide registry (set by its first registration). */
function apiVersion(): unknown {
  api.diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
  api.diag.disable();
  const registry = (globalThis as Record<symbol, { version?: unknown } | undefined>)[
    Symbol.for('opentelemetry.js.api.1')
  ];
  return registry?.version;
}

/** `telemetry.sdk.version` of a span and of a log record the facade's providers export. */
function sdkVersions(): unknown[] {
  const spans = new InMemorySpanExporter();
  createTracerProvider([simpleSpanProcessor(spans)])
    .getTracer('probe')
    .startSpan('probe')
    .end();
  const logs = new InMemoryLogRecordExporter();
  new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logs })] })
    .getLogger('probe')
    .emit({ body: 'probe' });
  return [
    spans.getFinishedSpans()[0]?.resource.attributes['telemetry.sdk.version'],
    logs.getFinishedLogRecords()[0]?.resource.attributes['telemetry.sdk.version'],
  ];
}

const found = {
  facade: SDK_LINE,
  // this file's own `@opentelemetry/api` is this workspace's 1.10
  testsShareApi: (testsTrace as unknown) === api.trace,
  api: apiVersion(),
  sdk: sdkVersions(),
  instrumentation: new HttpInstrumentation({ enabled: false }).instrumentationVersion,
};
const expected =
  found.facade === 3 &&
  found.testsShareApi &&
  /^1\.10\./.test(String(found.api)) &&
  found.sdk.every((v) => /^3\./.test(String(v))) &&
  /^0\.3\d\d\./.test(found.instrumentation);
if (!expected) {
  throw new Error(
    `the otel-sdk3 project did not load the SDK 3 line (api 1.10, sdk 3.x, instrumentation 0.3xx): ${JSON.stringify(found)}`,
  );
}
