import { context, isSpanContextValid, trace, type Context } from '@opentelemetry/api';
import { currentScope, type Policy, type ZrmScope } from '@zrm/core';
import { traceMarks } from './trace-marks.js';

const OBSERVERS = Symbol.for('@zrm/core.zero-retention-observers.v1');
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

/**
 * Makes every scope that enters ZRM mark the trace active at that moment.
 * `@zrm/core` announces it through a process-wide set, so the HTTP adapters
 * mark the request's trace without depending on OpenTelemetry.
 */
export function observeZeroRetentionScopes(observer: Observer = markActiveTrace): () => void {
  const holder = globalThis as { [OBSERVERS]?: Set<Observer> };
  const observers = (holder[OBSERVERS] ??= new Set());
  observers.add(observer);
  return () => observers.delete(observer);
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
