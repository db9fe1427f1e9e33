import { type Policy } from '@zrm/core';
import { emitRedaction, inFlightTaintCount } from '@zrm/core/adapter';
import { subscribeTraceMarking } from './mark-trace.js';
import { reportError } from './report-error.js';
import { cleanSpan } from './cross-context.js';
import { redactSpan } from './span-redaction.js';
import { traceMarks } from './trace-marks.js';
import type {
  ZeroRetentionOtelOptions,
  ZrmExportResult,
  ZrmReadableSpan,
  ZrmSpanExporter,
} from './types.js';

const SUCCESS: ZrmExportResult = { code: 0 };

/**
 * Wraps any span exporter, for setups where no processor can be inserted.
 * Export runs outside the request, so a span is ZRM when its trace is marked
 * (a scope entered ZRM while the trace was active). Other spans lose only
 * registered content of in-flight ZRM requests.
 */
export class ZeroRetentionSpanExporter<
  S extends ZrmReadableSpan = ZrmReadableSpan,
> implements ZrmSpanExporter<S> {
  readonly #inner: ZrmSpanExporter<S>;
  readonly #options: ZeroRetentionOtelOptions;
  #shutdown: Promise<void> | undefined;
  readonly #release: () => void;

  constructor(inner: ZrmSpanExporter<S>, options: ZeroRetentionOtelOptions = {}) {
    this.#inner = inner;
    this.#options = options;
    this.#release = subscribeTraceMarking();
  }

  export(spans: S[], resultCallback: (result: ZrmExportResult) => void): void {
    if (this.#shutdown !== undefined) {
      resultCallback({ code: 1, error: new Error('@zrm/otel: exporter is shut down') });
      return;
    }
    const taint = inFlightTaintCount() > 0;
    const out: S[] = [];
    for (const span of spans) {
      let policy: Policy | undefined;
      try {
        policy = traceMarks.lookup(span.spanContext().traceId);
        if (policy !== undefined) out.push(redactSpan(span, policy));
        else out.push(taint ? cleanSpan(span) : span);
      } catch (error) {
        if (policy !== undefined)
          emitRedaction(policy, { kind: 'dropped-record', count: 1, sink: 'otel.span' });
        reportError(this.#options.onError, 'span-exporter', 'dropped', error);
      }
    }
    if (out.length === 0) {
      resultCallback(SUCCESS);
      return;
    }
    try {
      this.#inner.export(out, resultCallback);
    } catch (error) {
      reportError(this.#options.onError, 'span-exporter', 'forward-failed', error);
      resultCallback({ code: 1, error: new Error('@zrm/otel: inner exporter failed') });
    }
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.#release();
    this.#shutdown ??= this.#inner.shutdown();
    return this.#shutdown;
  }
}
