import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentryReceiver } from '@zrm/testing';
import { runScenario, type Scenario } from './support/scenario.js';
import { SDKS } from './support/sdks.js';
import {
  attribute,
  type EventJson,
  type LogJson,
  type RecordsJson,
  type SpanJson,
} from './support/sentry-json.js';
import { foundLabels, itemsOf, LOCATIONS, speak, speakCanaries } from './support/speak.js';

const REDACTED = '[REDACTED]';

/** Every span Sentry sent: streamed span items, or a transaction's root and child spans. */
function spansOf(receiver: SentryReceiver): SpanJson[] {
  const streamed = (itemsOf(receiver.envelopes, 'span') as RecordsJson<SpanJson>[]).flatMap(
    (p) => p.items,
  );
  const transactions = (itemsOf(receiver.envelopes, 'transaction') as EventJson[]).flatMap((t) => [
    { name: t.transaction, attributes: t.contexts.trace.data },
    ...t.spans.map((s) => ({ name: s.description, attributes: s.data })),
  ]);
  return [...streamed, ...transactions];
}

function eventsOf(receiver: SentryReceiver): EventJson[] {
  return itemsOf(receiver.envelopes, 'event') as EventJson[];
}

describe.each(SDKS)('a ZRM request through express ($sdk)', (options) => {
  const canaries = speakCanaries('zrm');
  const all = Object.values(canaries);
  let scenario: Scenario;
  let sent: SentryReceiver;
  let control: SentryReceiver;

  beforeAll(async () => {
    scenario = await runScenario(options, async (app) => {
      expect(await speak(app, canaries, true)).toBe(500);
    });
    ({ sent, control } = scenario);
  });

  afterAll(() => scenario.close());

  it('positive control: without the integration every canary reaches Sentry', () => {
    expect(foundLabels(control.envelopes, all)).toEqual(LOCATIONS.map((l) => `zrm-${l}`).sort());
    expect(itemsOf(control.envelopes, 'attachment').length).toBeGreaterThan(0);
  });

  it('sends none of the canaries (query, body, header, cookie, console line, log, outgoing URL, context, attachment, messages, errors, cause) in any byte', () => {
    expect(itemsOf(sent.envelopes, 'event').length).toBe(
      itemsOf(control.envelopes, 'event').length,
    );
    expect(spansOf(sent).length).toBe(spansOf(control).length);
    expect(foundLabels(sent.envelopes, all)).toEqual([]);
  });

  it('drops the attachment of every ZRM event', () => {
    expect(itemsOf(sent.envelopes, 'attachment')).toEqual([]);
  });

  it('keeps exception types, mechanisms and stack frames, with placeholders for the messages', () => {
    const events = eventsOf(sent);
    const exceptions = events.flatMap((e) => e.exception?.values ?? []);
    expect(
      exceptions
        .map((x) => x.type)
        .filter(Boolean)
        .sort(),
    ).toEqual(['Error', 'RangeError', 'TypeError']);
    expect(new Set(exceptions.map((x) => x.value))).toEqual(new Set([REDACTED]));
    expect(exceptions.find((x) => x.mechanism?.source === 'cause')?.type).toBe('Error');
    for (const exception of exceptions) {
      const frame = exception.stacktrace.frames.find((f) =>
        f.filename?.endsWith('fixtures/app.mjs'),
      );
      expect(frame).toMatchObject({
        in_app: true,
        lineno: expect.any(Number),
        colno: expect.any(Number),
      });
    }
    const message = events.find((e) => e.level === 'info');
    expect(message?.message).toBe(REDACTED);
    for (const event of events) expect(event.tags['zrm.zero_retention']).toBe('true');
  });

  it('keeps the method, path, safe headers and route; the query values, body, cookies and other headers are gone', () => {
    for (const event of eventsOf(sent)) {
      expect(event.request.method).toBe('POST');
      expect(event.request.url).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/speak\?q=\[REDACTED\]&enable_logging=false$/,
      );
      expect(event.request).not.toHaveProperty('data');
      expect(event.request).not.toHaveProperty('cookies');
      expect(event.request).not.toHaveProperty('query_string');
      expect(event.request.headers).toMatchObject({
        'content-type': 'application/json',
        'x-zrm-note': REDACTED,
        cookie: REDACTED,
      });
      expect(event.transaction).toBe('POST /speak');
      expect(event.contexts.speech).toBe(REDACTED);
    }
  });

  it('keeps breadcrumbs as content-free metadata: category, level, status code, method and path', () => {
    const [event] = eventsOf(sent);
    const console_ = event!.breadcrumbs.find((b) => b.category === 'console');
    expect(console_).toMatchObject({
      level: 'log',
      message: REDACTED,
      data: { logger: 'console', arguments: REDACTED },
    });
    const http = event!.breadcrumbs.find((b) => b.category === 'http');
    expect(http?.data?.status_code).toBe(200);
    // Sentry 11 names them `http.request.method` and `url.query`, Sentry 10 `http.method` and `http.query`
    expect(http?.data?.['http.request.method'] ?? http?.data?.['http.method']).toBe('GET');
    expect(String(http?.data?.['url.query'] ?? http?.data?.['http.query'])).toMatch(
      /^\??q=\[REDACTED\]$/,
    );
    expect(http?.data?.url).toMatch(/\/voices\/\[REDACTED\]$/);
  });

  it('keeps span names, ops, routes and status codes; marks the spans zrm.zero_retention', () => {
    const spans = spansOf(sent);
    const names = spans.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining(['POST /speak', '/speak', 'jsonParser', 'synthesize [REDACTED]']),
    );
    const root = spans.find((s) => s.name === 'POST /speak')!;
    expect(attribute(root, 'http.response.status_code')).toBe(500);
    expect(attribute(root, 'http.route')).toBe('/speak');
    expect(attribute(root, 'url.query') ?? attribute(root, 'http.query')).toMatch(
      /^(q=\[REDACTED\]&enable_logging=false|\[REDACTED\])$/,
    );
    const urlOf = (span: SpanJson) => attribute(span, 'url.full') ?? attribute(span, 'http.url');
    const client = spans.find((s) => /\/voices\//.test(String(urlOf(s))))!;
    expect(client.name).toMatch(
      /^GET (127\.0\.0\.1|http:\/\/127\.0\.0\.1:\d+\/voices\/\[REDACTED\])$/,
    );
    expect(urlOf(client)).toMatch(/\/voices\/\[REDACTED\]\?q=\[REDACTED\]$/);
    expect(attribute(client, 'http.response.status_code')).toBe(200);
    for (const span of spans) expect(attribute(span, 'zrm.zero_retention')).toBe(true);
  });

  it('sends log records as their templates (a bare one as a placeholder), without their parameters', () => {
    const logs = (itemsOf(sent.envelopes, 'log') as RecordsJson<LogJson>[]).flatMap((p) => p.items);
    expect(logs).toHaveLength(2);
    // Sentry 9 sends console lines without a template
    for (const log of logs) expect([REDACTED, 'speaking {}']).toContain(log.body);
    for (const log of logs) {
      const parameter = attribute(log, 'sentry.message.parameter.0');
      if (parameter !== undefined) expect(parameter).toBe(REDACTED);
    }
  });
});
