import { trace, type Context } from '@opentelemetry/api';
import { definePolicy, type Policy } from '@zrm/core';
import { emitRedaction, inFlightTaintCount } from '@zrm/core/adapter';
import { cleanLogRecord, redactLogRecord } from './log-record-redaction.js';
import { subscribeTraceMarking, zeroRetentionPolicyFor } from './mark-trace.js';
import { isPropagatedZeroRetention } from './propagated.js';
import { reportError } from './report-error.js';
import type { ZeroRetentionOtelOptions, ZrmLogRecord, ZrmLogRecordProcessor } from './types.js';

/**
 * Wraps a log-record processor: records of a ZRM request (emitted in its
 * scope as its work, or in a marked trace) reach it without content (pino's
 * log sending, GenAI events, direct Logs API use); any other record loses
 * only values holding registered content of an in-flight ZRM request. The
 * record is changed in place during `onEmit`, as the SDK allows, so
 * processors after this one see the redacted record too.
 */
export class ZeroRetentionLogRecordProcessor<
  R extends ZrmLogRecord = ZrmLogRecord,
> implements ZrmLogRecordProcessor<R> {
  readonly #inner: ZrmLogRecordProcessor<R>;
  readonly #options: ZeroRetentionOtelOptions;
  readonly #policy: Policy | undefined;
  #shutdown: Promise<void> | undefined;
  readonly #release: () => void;

  constructor(inner: ZrmLogRecordProcessor<R>, options: ZeroRetentionOtelOptions = {}) {
    this.#inner = inner;
    this.#options = options;
    this.#policy = options.policy === undefined ? undefined : definePolicy(options.policy);
    this.#release = subscribeTraceMarking();
  }

  onEmit(logRecord: R, context?: Context): void {
    if (this.#shutdown !== undefined) return;
    let policy: Policy | undefined;
    try {
      const traceId =
        logRecord.spanContext?.traceId ?? (context && trace.getSpanContext(context)?.traceId);
      policy = zeroRetentionPolicyFor(traceId);
      if (policy === undefined && isPropagatedZeroRetention(context))
        policy = this.#policy ?? definePolicy();
      if (policy !== undefined) redactLogRecord(logRecord, policy);
      else if (inFlightTaintCount() > 0) cleanLogRecord(logRecord);
    } catch (error) {
      // fail closed: a record that cannot be redacted is not exported
      if (policy !== undefined)
        emitRedaction(policy, { kind: 'dropped-record', count: 1, sink: 'otel.log' });
      reportError(this.#options.onError, 'log-record-processor', 'dropped', error);
      return;
    }
    try {
      this.#inner.onEmit(logRecord, context);
    } catch (error) {
      reportError(this.#options.onError, 'log-record-processor', 'forward-failed', error);
    }
  }

  enabled(options: never): boolean {
    return this.#inner.enabled?.(options) ?? true;
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
