import { getActiveSpan, getCurrentScope, getIsolationScope, getRootSpan } from '@sentry/node';
import { currentScope, type Policy, type ZrmScope } from '@zrm/core';
import { isRecord } from './redaction.js';
import type { Fields } from './types.js';
import { marks } from './zero-retention-marks.js';

/**
 * The ZRM policy for what is recorded now, in this async context: the
 * current scope's when it is ZRM, or the ZRM request's whose Sentry
 * isolation scope this is (Sentry keeps one per request and applies its
 * breadcrumbs, tags and contexts to every event captured in it).
 */
export function contextPolicy(): Policy | undefined {
  const scope = currentScope();
  if (scope?.zeroRetention === true) return scope.policy;
  return marks.isolationPolicy(getIsolationScope());
}

function traceIdOf(event: Fields): unknown {
  const contexts = event.contexts;
  return isRecord(contexts) && isRecord(contexts.trace) ? contexts.trace.trace_id : undefined;
}

/**
 * An event is ZRM when it is captured in a ZRM context (fail closed: it
 * carries that context's scope data, whichever request it is about), or when
 * it belongs to a ZRM request's trace (a transaction captured later, from a
 * timer).
 */
export function eventPolicy(event: Fields): Policy | undefined {
  return contextPolicy() ?? marks.tracePolicy(traceIdOf(event));
}

/**
 * A span is ZRM when its trace is a ZRM request's. One ending in a ZRM
 * scope's context is that request's only when it is of a trace the request
 * marked: a pooled socket's callback ends other requests' spans too.
 */
export function spanPolicy(traceId: unknown): Policy | undefined {
  const scope = currentScope();
  if (scope?.zeroRetention === true && marks.owns(scope, traceId)) return scope.policy;
  return marks.tracePolicy(traceId);
}

/** The trace of a record made now (a log, a metric): the active span's. */
export function activeTracePolicy(): Policy | undefined {
  const span = getActiveSpan();
  return span === undefined ? undefined : marks.tracePolicy(span.spanContext().traceId);
}

/**
 * Called as a scope enters ZRM, in the request's context: marks the Sentry
 * isolation scope and trace active there. The process-wide isolation scope
 * (no per-request one, e.g. without Sentry's http integration) is not marked:
 * every later event would be taken for ZRM.
 */
export function markSentryContext(scope: ZrmScope, processIsolation: object): void {
  const span = getActiveSpan();
  const isolation = getIsolationScope();
  if (isolation === processIsolation) {
    if (span !== undefined) marks.markTrace(span.spanContext().traceId, scope);
    return;
  }
  marks.markIsolationScope(isolation, scope);
  marks.markTrace(
    span?.spanContext().traceId ?? getCurrentScope().getPropagationContext().traceId,
    scope,
  );
}

/** A span starting in a ZRM scope marks its trace when it is a root, or when the scope has marked none yet. */
export function markStartedSpan(span: Parameters<typeof getRootSpan>[0]): void {
  const scope = currentScope();
  if (scope?.zeroRetention !== true) return;
  if (getRootSpan(span) === span || !marks.hasMarked(scope))
    marks.markTrace(span.spanContext().traceId, scope);
}
