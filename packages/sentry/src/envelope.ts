import { isTainted, type Policy } from '@zrm/core';
import { inFlightTaintCount, isTaintedBytes, reportCrossContext } from '@zrm/core/adapter';
import { cleanEvent, cleanSamplingContext } from './event.js';
import type { ResolvedOptions } from './options.js';
import {
  cleanValue,
  isRecord,
  redaction,
  reportDropped,
  reportRedacted,
  SINK,
  type Redaction,
} from './redaction.js';
import { cleanLog, cleanMetric, cleanStreamedSpan } from './telemetry.js';
import type { Fields } from './types.js';
import { marks } from './zero-retention-marks.js';

type Item = [Fields, unknown];

const EVENT_ITEMS: ReadonlySet<string> = new Set([
  'event',
  'transaction',
  'feedback',
  'replay_event',
]);
/** Content-free by construction (counts, ids, releases, frames): only registered content is looked for. */
const METADATA_ITEMS: ReadonlySet<string> = new Set([
  'session',
  'sessions',
  'client_report',
  'check_in',
  'profile',
  'profile_chunk',
]);
type Clean = (r: Redaction, item: unknown, typed: boolean) => unknown;
/** Items sent from buffers, long after capture: each record is judged by its own trace. */
const TRACE_ITEMS: ReadonlyMap<string, Clean> = new Map<string, Clean>([
  ['span', cleanStreamedSpan],
  ['log', cleanLog],
  ['trace_metric', cleanMetric],
]);

/** Decides whether an event item is ZRM (the decision made at capture, or one made now). */
export type EventPolicy = (event: Fields) => Policy | undefined;

function isItem(value: unknown): value is Item {
  return Array.isArray(value) && value.length >= 2 && isRecord(value[0]);
}

function holdsContent(payload: unknown): boolean {
  if (typeof payload === 'string') return isTainted(payload);
  if (payload instanceof Uint8Array) return isTaintedBytes(payload);
  return false;
}

/** Buffered records (spans, logs, metrics), each cleaned by whether its trace is a ZRM request's. */
function cleanRecords(payload: unknown, clean: Clean, options: ResolvedOptions): unknown {
  if (!isRecord(payload) || !Array.isArray(payload.items))
    return cleanValue(redaction(undefined, options), payload);
  const items = payload.items.map((record: unknown) => {
    const policy = isRecord(record) ? marks.tracePolicy(record.trace_id) : undefined;
    const r = redaction(policy, options);
    const out = clean(r, record, true);
    reportRedacted(r);
    return out;
  });
  return { ...payload, items };
}

/**
 * A payload Sentry sends apart from an event (attachment, replay recording,
 * raw report): dropped in an envelope that carries a ZRM event, and when it
 * (or its file name) holds registered content; a structured one is cleaned.
 */
function cleanOther(
  header: Fields,
  payload: unknown,
  zrm: Policy | undefined,
  options: ResolvedOptions,
): unknown {
  if (zrm !== undefined) return undefined;
  if (holdsContent(payload) || holdsContent(header.filename)) {
    reportCrossContext(SINK);
    return undefined;
  }
  return isRecord(payload) || Array.isArray(payload)
    ? cleanValue(redaction(undefined, options), payload)
    : payload;
}

function cleanItem(
  [header, payload]: Item,
  zrm: Policy | undefined,
  options: ResolvedOptions,
): unknown {
  const type = header.type;
  const records = typeof type === 'string' ? TRACE_ITEMS.get(type) : undefined;
  if (records !== undefined) return cleanRecords(payload, records, options);
  if (typeof type === 'string' && METADATA_ITEMS.has(type))
    return cleanValue(redaction(zrm, options), payload);
  return cleanOther(header, payload, zrm, options);
}

function isEventItem(item: unknown): item is Item {
  return isItem(item) && EVENT_ITEMS.has(item[0].type as string);
}

/**
 * The last look before Sentry's transport: every item of every envelope.
 * Events are cleaned as they were decided at capture (again: a later event
 * processor or `beforeSend` may have added content); an envelope with a ZRM
 * event loses its attachments and any other raw payload; buffered spans, logs
 * and metrics are judged record by record by their trace; the trace header's
 * transaction name is cleaned. An item that cannot be cleaned is removed
 * (counted), never sent as it was.
 */
export function cleanEnvelope(
  envelope: unknown,
  eventPolicy: EventPolicy,
  options: ResolvedOptions,
): void {
  if (!Array.isArray(envelope) || !Array.isArray(envelope[1])) return;
  const items = envelope[1] as unknown[];
  // events first: whether the envelope is a ZRM event's decides its other items
  const policies = new Map<Item, Policy | undefined>();
  let zrm: Policy | undefined;
  for (const item of items) {
    if (!isEventItem(item)) continue;
    const policy = isRecord(item[1]) ? eventPolicy(item[1]) : undefined;
    policies.set(item, policy);
    zrm ??= policy;
  }
  // nothing registered and no ZRM event: only buffered records of marked traces can need cleaning
  const quiet = zrm === undefined && inFlightTaintCount() === 0;
  if (quiet && marks.size === 0) return;
  const kept: unknown[] = [];
  for (const item of items) {
    if (!isItem(item)) continue;
    if (quiet && !TRACE_ITEMS.has(item[0].type as string)) {
      kept.push(item);
      continue;
    }
    const policy = isEventItem(item) ? policies.get(item) : zrm;
    try {
      const payload = isEventItem(item)
        ? cleanEventItem(item[1], policy, options)
        : cleanItem(item, zrm, options);
      if (payload === undefined) {
        if (zrm !== undefined) reportRedacted({ ...redaction(zrm, options), replaced: 1 });
        continue;
      }
      item[1] = payload;
      kept.push(item);
    } catch {
      reportDropped(policy);
    }
  }
  const headers: unknown = envelope[0];
  if (isRecord(headers) && isRecord(headers.trace)) {
    const policy = zrm ?? marks.tracePolicy(headers.trace.trace_id);
    if (!quiet || policy !== undefined)
      headers.trace = cleanSamplingContext(redaction(policy, options), headers.trace);
  }
  items.length = 0;
  items.push(...kept);
}

function cleanEventItem(
  event: unknown,
  policy: Policy | undefined,
  options: ResolvedOptions,
): Fields {
  if (!isRecord(event)) throw new TypeError('an event item without an event');
  const r = redaction(policy, options);
  const out = cleanEvent(r, event);
  reportRedacted(r);
  return out;
}
