import type { Context } from '@opentelemetry/api';
import { currentScope, definePolicy, type Policy, type ZrmScope } from '@zrm/core';
import { emitRedaction, inFlightTaintCount } from '@zrm/core/adapter';
import { cleanSpan } from './cross-context.js';
import { subscribeTraceMarking, zeroRetentionPolicyFor } from './mark-trace.js';
import { isPropagatedZeroRetention } from './propagated.js';
import { reportError } from './report-error.js';
import { redactSpan, scrubEndedSpan } from './span-redaction.js';
import { traceMarks } from './trace-marks.js';
import type { ZeroRetentionOtelOptions, ZrmReadableSpan, ZrmSpanProcessor } from './types.js';

/** A span starting in a ZRM scope's context is that scope's: a root, one of its traces, or a marked trace. */
function isOwnSpan(span: ZrmReadableSpan, scope: ZrmScope, traceId: string): boolean {
  return (
    span.parentSpanContext === undefined ||
    traceMarks.owns(scope, traceId) ||
    traceMarks.lookup(traceId) !== undefined
  );
}

/**
 * Wraps a span processor (usually a `BatchSpanProcessor`): spans of ZRM
 * requests reach it without content. A span is ZRM when its trace is marked
 * (by a scope entering ZRM while the trace was active, by a span of the
 * request starting in its ZRM scope, or by a trusted propagated `zrm=1`), or
 * when it ends in a ZRM scope's context and is that request's work
 * (`traceMarks.owns`). Every other span, in any context, loses only values
 * holding registered content of an in-flight ZRM request; a span without such
 * content passes as it is.
 */
export class ZeroRetentionSpanProcessor<
  S extends ZrmReadableSpan = ZrmReadableSpan,
> implements ZrmSpanProcessor<S> {
  readonly #inner: ZrmSpanProcessor<S>;
  readonly #options: ZeroRetentionOtelOptions;
  readonly #policy: Policy | undefined;
  #shutdown: Promise<void> | undefined;
  readonly #release: () => void;

  constructor(inner: ZrmSpanProcessor<S>, options: ZeroRetentionOtelOptions = {}) {
    this.#inner = inner;
    this.#options = options;
    this.#policy = options.policy === undefined ? undefined : definePolicy(options.policy);
    this.#release = subscribeTraceMarking();
  }

  onStart(span: S, parentContext: Context): void {
    if (this.#shutdown !== undefined) return;
    try {
      const scope = currentScope();
      const traceId = span.spanContext().traceId;
      if (scope?.zeroRetention === true) {
        // a span of another request's trace started in this scope's context is not this request's
        if (isOwnSpan(span, scope, traceId)) traceMarks.mark(traceId, scope, scope.policy);
      } else if (isPropagatedZeroRetention(parentContext)) {
        traceMarks.mark(traceId, span, this.#policy ?? definePolicy());
      }
      this.#inner.onStart(span, parentContext);
    } catch (error) {
      reportError(this.#options.onError, 'span-processor', 'forward-failed', error);
    }
  }

  onEnding(span: S): void {
    if (this.#shutdown !== undefined || this.#inner.onEnding === undefined) return;
    try {
      this.#inner.onEnding(span);
    } catch (error) {
      reportError(this.#options.onError, 'span-processor', 'forward-failed', error);
    }
  }

  onEnd(span: S): void {
    if (this.#shutdown !== undefined) return;
    let out: S;
    let policy: Policy | undefined;
    try {
      policy = zeroRetentionPolicyFor(span.spanContext().traceId);
      if (policy !== undefined) out = redactSpan(span, policy);
      else if (inFlightTaintCount() > 0) out = cleanSpan(span);
      else out = span;
    } catch (error) {
      // fail closed: a span that cannot be redacted is not exported
      if (policy !== undefined)
        emitRedaction(policy, { kind: 'dropped-record', count: 1, sink: 'otel.span' });
      reportError(this.#options.onError, 'span-processor', 'dropped', error);
      return;
    }
    try {
      this.#inner.onEnd(out);
    } catch (error) {
      reportError(this.#options.onError, 'span-processor', 'forward-failed', error);
    }
    if (out !== span) scrubEndedSpan(span, out);
  }

  forceFlush(): Promise<void> {
    return this.#inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.#release();
    this.#shutdown ??= this.#inner.shutdown();
    return this.#shutdown;
  }
}
