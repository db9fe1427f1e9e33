import { getIsolationScope } from '@sentry/node';
import { onZeroRetention, REDACTED, type Policy } from '@zrm/core';
import { cleanAttachments } from './attachments.js';
import {
  activeTracePolicy,
  contextPolicy,
  eventPolicy,
  markSentryContext,
  markStartedSpan,
  spanPolicy,
} from './decide.js';
import { cleanEnvelope } from './envelope.js';
import { cleanBreadcrumb, cleanEvent } from './event.js';
import { resolveOptions, type ResolvedOptions } from './options.js';
import { requestPolicy, watchOutgoingRequests } from './outgoing-requests.js';
import {
  isRecord,
  needsCleaning,
  redaction,
  reportDropped,
  reportRedacted,
  type Redaction,
} from './redaction.js';
import { assignInPlace, cleanLog, cleanMetric, cleanStreamedSpan } from './telemetry.js';
import type { Fields, SentryIntegration, ZeroRetentionIntegrationOptions } from './types.js';
import { marks } from './zero-retention-marks.js';

export const INTEGRATION_NAME = 'ZeroRetention';

type Clean = (r: Redaction, record: Fields) => unknown;

/** What a record keeps when it cannot be cleaned and a hook cannot drop it. */
function strip(record: Fields): void {
  for (const key of ['message', 'body', 'name']) if (key in record) record[key] = REDACTED;
  for (const key of ['data', 'attributes']) if (key in record) record[key] = {};
  Reflect.deleteProperty(record, 'links');
}

/**
 * Cleans a record in place, for hooks that can change but not drop what they
 * are given (breadcrumbs, log records, metrics, span JSON), at the moment it
 * is recorded: it is sent later, with an event or a buffer, from anywhere.
 */
function rewrite(
  record: unknown,
  decide: () => Policy | undefined,
  clean: Clean,
  options: ResolvedOptions,
): void {
  if (!isRecord(record)) return;
  let policy: Policy | undefined;
  try {
    policy = decide();
    if (!needsCleaning(policy)) return;
    const r = redaction(policy, options);
    assignInPlace(record, clean(r, record));
    reportRedacted(r);
  } catch {
    reportDropped(policy);
    // fail closed: a record that could not be decided is treated as ZRM
    guarded(() => strip(record));
  }
}

function guarded(fn: () => void): void {
  try {
    fn();
  } catch {
    // a hook must not break the code that captures
  }
}

/**
 * `Sentry.init({ integrations: [zeroRetentionIntegration()] })`: everything
 * Sentry records in a Zero Retention Mode request (error and message events,
 * transactions, spans, breadcrumbs, logs, metrics, attachments) is sent
 * without content; everything else loses only registered content of
 * in-flight ZRM requests. What cannot be cleaned is dropped, never sent raw.
 */
export function zeroRetentionIntegration(
  options?: ZeroRetentionIntegrationOptions,
): SentryIntegration {
  const resolved = resolveOptions(options);
  /** Each event's decision, made at capture and used again when its envelope is checked. */
  const decisions = new WeakMap<object, Policy | undefined>();
  let handoff: { eventId: unknown; policy: Policy | undefined } | undefined;
  const cleanRecorded = (r: Redaction, record: Fields) => cleanLog(r, record, false);
  return {
    name: INTEGRATION_NAME,
    setup(client) {
      marks.graceMs = resolved.graceMs;
      const processIsolation = getIsolationScope();
      const stop = onZeroRetention((scope) =>
        guarded(() => markSentryContext(scope, processIsolation)),
      );
      client.on('close', stop);
      client.on('spanStart', (span) => guarded(() => markStartedSpan(span)));
      watchOutgoingRequests();
      client.on('beforeAddBreadcrumb', (breadcrumb, hint) =>
        rewrite(
          breadcrumb,
          () => requestPolicy(hint) ?? contextPolicy(),
          cleanBreadcrumb,
          resolved,
        ),
      );
      client.on('beforeCaptureLog', (log) =>
        rewrite(log, () => contextPolicy() ?? activeTracePolicy(), cleanRecorded, resolved),
      );
      client.on('processMetric', (metric) =>
        rewrite(
          metric,
          () => contextPolicy() ?? activeTracePolicy(),
          (r, m) => cleanMetric(r, m, false),
          resolved,
        ),
      );
      client.on('beforeSendEvent', (event, hint) => {
        handoff =
          hint !== undefined && decisions.has(hint)
            ? { eventId: event.event_id, policy: decisions.get(hint) }
            : undefined;
      });
      client.on('beforeEnvelope', (envelope) => {
        const given = handoff;
        handoff = undefined;
        const decide = (event: Fields) =>
          given !== undefined && event.event_id === given.eventId
            ? given.policy
            : eventPolicy(event);
        try {
          cleanEnvelope(envelope, decide, resolved);
        } catch {
          // fail closed: nothing of an envelope that could not be checked is sent
          reportDropped(undefined);
          guarded(() => {
            (envelope[1] as unknown[]).length = 0;
          });
        }
      });
    },
    processEvent(event, hint) {
      let policy: Policy | undefined;
      try {
        policy = eventPolicy(event as Fields);
        decisions.set(hint, policy);
        if (!needsCleaning(policy)) return event;
        const r = redaction(policy, resolved);
        const out = cleanEvent(r, event as Fields);
        hint.attachments = cleanAttachments(r, hint.attachments) as typeof hint.attachments;
        reportRedacted(r);
        return out;
      } catch {
        reportDropped(policy);
        return null;
      }
    },
    processSpan(span) {
      rewrite(
        span,
        () => spanPolicy(span.trace_id),
        (r, record) => cleanStreamedSpan(r, record, false),
        resolved,
      );
    },
  };
}
