import { createTextCanary, findCanaries, type TextCanary } from '@zrm/testing';
import type { ReceivedEnvelope } from '@zrm/testing';
import type { SentryApp } from './sentry-app.js';

/** Every place POST /speak takes content from, one canary each. */
export const LOCATIONS = [
  'query',
  'body',
  'header',
  'cookie',
  'console',
  'log',
  'outgoing',
  'context',
  'attachment',
  'message',
  'exception',
  'error',
  'cause',
] as const;
export type Location = (typeof LOCATIONS)[number];
export type SpeakCanaries = Record<Location, TextCanary>;

export function speakCanaries(prefix: string): SpeakCanaries {
  return Object.fromEntries(
    LOCATIONS.map((location) => [location, createTextCanary(`${prefix}-${location}`)]),
  ) as SpeakCanaries;
}

/** POST /speak with a canary in the query, the body, a header, a cookie and every field the handler uses. */
export async function speak(app: SentryApp, c: SpeakCanaries, zrm: boolean): Promise<number> {
  const query = new URLSearchParams({ q: c.query.value });
  if (zrm) query.set('enable_logging', 'false');
  const res = await app.post(
    `/speak?${query.toString()}`,
    {
      text: c.body.value,
      log: c.console.value,
      lg: c.log.value,
      out: c.outgoing.value,
      ctx: c.context.value,
      att: c.attachment.value,
      msg: c.message.value,
      exc: c.exception.value,
      err: c.error.value,
      cause: c.cause.value,
    },
    {
      'x-zrm-note': encodeURIComponent(c.header.value),
      cookie: `note=${encodeURIComponent(c.cookie.value)}`,
    },
  );
  await res.text();
  return res.status;
}

/** The received envelopes as the canary search reads them: their decompressed bytes. */
export function bytesOf(envelopes: readonly ReceivedEnvelope[]) {
  return envelopes.map((envelope, i) => ({ source: `envelope ${i}`, data: envelope.bytes }));
}

/** The labels of the canaries found anywhere in what Sentry sent. */
export function foundLabels(
  envelopes: readonly ReceivedEnvelope[],
  canaries: readonly TextCanary[],
): string[] {
  return [...new Set(findCanaries(bytesOf(envelopes), canaries).map((hit) => hit.label))].sort();
}

export function itemsOf(envelopes: readonly ReceivedEnvelope[], type: string): unknown[] {
  return envelopes.flatMap((envelope) =>
    envelope.items.filter((item) => item.header.type === type).map((item) => item.payload),
  );
}
