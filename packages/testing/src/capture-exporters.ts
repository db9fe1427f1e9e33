import { toChunks } from './haystack.js';
import type { CapturedChunk, ExporterCapture, ExportResultCallback } from './types.js';

type Plain = Record<string, unknown>;

function field(item: unknown, key: string): unknown {
  try {
    const value = (item as Record<string, unknown>)[key];
    return typeof value === 'function' ? undefined : value;
  } catch {
    return '[unreadable]';
  }
}

function call(item: unknown, key: string): unknown {
  try {
    const fn = (item as Record<string, unknown>)[key];
    return typeof fn === 'function' ? (fn as () => unknown).call(item) : undefined;
  } catch {
    return '[unreadable]';
  }
}

function resource(item: unknown): unknown {
  return field(field(item, 'resource'), 'attributes');
}

function scopeName(item: unknown): unknown {
  return field(field(item, 'instrumentationScope'), 'name');
}

/** The content-bearing fields of a ReadableSpan, as a plain object. */
export function plainSpan(span: unknown): Plain {
  const events = field(span, 'events');
  const links = field(span, 'links');
  const context = call(span, 'spanContext');
  return {
    name: field(span, 'name'),
    kind: field(span, 'kind'),
    traceId: field(context, 'traceId'),
    spanId: field(context, 'spanId'),
    attributes: field(span, 'attributes'),
    status: field(span, 'status'),
    events: Array.isArray(events)
      ? events.map((event: unknown) => ({
          name: field(event, 'name'),
          attributes: field(event, 'attributes'),
        }))
      : [],
    links: Array.isArray(links)
      ? links.map((link: unknown) => ({ attributes: field(link, 'attributes') }))
      : [],
    resource: resource(span),
    scope: scopeName(span),
  };
}

/** The content-bearing fields of a ReadableLogRecord, as a plain object. */
export function plainLogRecord(record: unknown): Plain {
  return {
    body: field(record, 'body'),
    eventName: field(record, 'eventName'),
    severityText: field(record, 'severityText'),
    severityNumber: field(record, 'severityNumber'),
    attributes: field(record, 'attributes'),
    resource: resource(record),
    scope: scopeName(record),
  };
}

function exporterCapture<Item>(
  name: string,
  toPlain: (item: Item) => Plain,
): ExporterCapture<Item> {
  let items: Plain[] = [];
  let stopped = false;
  return {
    name,
    get items(): readonly Plain[] {
      return items;
    },
    export(batch: Item[], resultCallback: ExportResultCallback): void {
      if (stopped) {
        resultCallback({ code: 1, error: new Error('exporter is shut down') });
        return;
      }
      for (const item of batch) items.push(toPlain(item));
      resultCallback({ code: 0 });
    },
    shutdown(): Promise<void> {
      stopped = true;
      return Promise.resolve();
    },
    forceFlush(): Promise<void> {
      return Promise.resolve();
    },
    chunks(): readonly CapturedChunk[] {
      return items.flatMap((item, i) => toChunks(item, `${name}[${i}]`));
    },
    clear(): void {
      items = [];
    },
  };
}

/**
 * An in-memory OpenTelemetry span exporter (the SDK's `SpanExporter`
 * interface) that keeps a plain copy of each span: name, attributes, status,
 * events, links and resource.
 */
export function captureSpans(name = 'spans'): ExporterCapture<unknown> {
  return exporterCapture(name, plainSpan);
}

/** An in-memory OpenTelemetry log-record exporter keeping body, attributes and event name of each record. */
export function captureLogRecords(name = 'log-records'): ExporterCapture<unknown> {
  return exporterCapture(name, plainLogRecord);
}
