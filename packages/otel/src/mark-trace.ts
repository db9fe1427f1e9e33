import { context, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { currentScope, onZeroRetention, type Policy, type ZrmScope } from '@zrm/core';
import { traceMarks } from './trace-marks.js';

type Observer = (scope: ZrmScope) => void;

/** Marks the trace active in `ctx` as ZRM for as long as `scope` runs (and the grace period after). */
export function markTraceZeroRetention(scope: ZrmScope, ctx: Context = context.active()): boolean {
  if (!scope.zeroRetention) return false;
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return false;
  traceMarks.mark(spanContext.traceId, scope, scope.policy);
  return true;
}

const markActiveTrace: Observer = (scope) => {
  markTraceZeroRetention(scope);
};

let subscribers = 0;
let unsubscribe: (() => void) | undefined;

/**
 * Makes every scope that enters ZRM mark the trace active at that moment
 * (the HTTP adapters open scopes without depending on OpenTelemetry), for as
 * long as one processor or exporter holds the subscription: each takes one
 * when made and releases it in `shutdown()`. Returns the release (idempotent).
 */
export function subscribeTraceMarking(): () => void {
  if (subscribers++ === 0) unsubscribe = onZeroRetention(markActiveTrace);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--subscribers === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
  };
}

/**
 * The ZRM policy that applies to a record of `traceId` ending now, or
 * undefined for ordinary records: the current ZRM scope's when the record is
 * its work (`traceMarks.owns`), else the policy of a marked trace.
 */
export function zeroRetentionPolicyFor(traceId: string | undefined): Policy | undefined {
  const scope = currentScope();
  if (scope?.zeroRetention === true && traceMarks.owns(scope, traceId)) return scope.policy;
  return traceId === undefined ? undefined : traceMarks.lookup(traceId);
}
