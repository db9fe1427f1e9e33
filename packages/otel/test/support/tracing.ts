import { context, trace, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ZeroRetentionSpanProcessor, type ZeroRetentionOtelOptions } from '@zrm/otel';
import {
  createTracerProvider,
  InMemorySpanExporter,
  simpleSpanProcessor,
  type ReadableSpan,
  type TracerProvider,
} from './otel-sdk.js';

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Installs the async-hooks context manager once per test file (the SDK's own for Node). */
export function useContextManager(): void {
  if (contextManager !== undefined) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

export interface TestTracing {
  tracer: Tracer;
  exporter: InMemorySpanExporter;
  provider: TracerProvider;
  spans(): ReadableSpan[];
}

/** A real tracer provider whose only processor is the ZRM processor around a simple in-memory pipeline. */
export function createTracing(options: ZeroRetentionOtelOptions = {}): TestTracing {
  useContextManager();
  const exporter = new InMemorySpanExporter();
  const provider = createTracerProvider([
    new ZeroRetentionSpanProcessor(simpleSpanProcessor(exporter), options),
  ]);
  return {
    tracer: provider.getTracer('zrm-test'),
    exporter,
    provider,
    spans: () => exporter.getFinishedSpans(),
  };
}

/** Span fields an exporter reads, as plain data (what would be serialized). */
export function exported(span: ReadableSpan): Record<string, unknown> {
  return {
    name: span.name,
    attributes: span.attributes,
    events: span.events,
    links: span.links,
    status: span.status,
    traceId: span.spanContext().traceId,
  };
}

export { trace };
