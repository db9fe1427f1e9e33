import { createTextCanary } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentryReceiver } from '@zrm/testing';
import { holdZeroRetention } from './support/hold.js';
import { runScenario, type Scenario } from './support/scenario.js';
import { SDKS } from './support/sdks.js';
import type { EventJson } from './support/sentry-json.js';
import { foundLabels, itemsOf, LOCATIONS, speak, speakCanaries } from './support/speak.js';

/** What an event says, without what differs from run to run (ids, times, ports, memory). */
function comparable(event: EventJson): string {
  const { message, exception, request, breadcrumbs, contexts, extra, tags } = event;
  const crumbs = breadcrumbs.map(({ category, level, message: text, data }) => ({
    category,
    level,
    text,
    data,
  }));
  const values = exception?.values.map(({ type, value, mechanism }) => ({
    type,
    value,
    mechanism,
  }));
  const said = { message, values, request, crumbs, speech: contexts.speech, extra, tags };
  return JSON.stringify(said).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
}

describe.each(SDKS)('an ordinary request with the integration ($sdk)', (options) => {
  const alone = speakCanaries('alone');
  const beside = speakCanaries('beside');
  const held = createTextCanary('held-zrm');
  let alone_: Scenario;
  let beside_: Scenario;
  let first: SentryReceiver;
  let second: SentryReceiver;

  beforeAll(async () => {
    alone_ = await runScenario(options, async (app) => {
      expect(await speak(app, alone, false)).toBe(500);
    });
    beside_ = await runScenario({ ...options, control: false }, async (app) => {
      const zrm = await holdZeroRetention(app, held);
      expect(await speak(app, beside, false)).toBe(500);
      await zrm.release();
    });
    first = alone_.sent;
    second = beside_.sent;
  });

  afterAll(async () => {
    await Promise.all([alone_.close(), beside_.close()]);
  });

  it('arrives complete: every canary of the request reaches Sentry', () => {
    expect(foundLabels(first.envelopes, Object.values(alone))).toEqual(
      LOCATIONS.map((l) => `alone-${l}`).sort(),
    );
    expect(itemsOf(first.envelopes, 'attachment').length).toBeGreaterThan(0);
  });

  it('sends the same events as without the integration: messages, exceptions, request data, breadcrumbs, contexts', () => {
    const sent = itemsOf(first.envelopes, 'event') as EventJson[];
    const control = itemsOf(alone_.control.envelopes, 'event') as EventJson[];
    expect(sent.length).toBe(3);
    expect(sent.map(comparable).sort()).toEqual(control.map(comparable).sort());
    expect(sent.map((e) => e.request.cookies)).toContainEqual({ note: alone.cookie.value });
  });

  it('arrives complete while a ZRM request is in flight', () => {
    expect(foundLabels(second.envelopes, Object.values(beside))).toEqual(
      LOCATIONS.map((l) => `beside-${l}`).sort(),
    );
  });

  it('the ZRM request in flight beside it leaves nothing in Sentry', () => {
    expect(foundLabels(second.envelopes, [held])).toEqual([]);
  });
});
