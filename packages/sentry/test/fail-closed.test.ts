import { createTextCanary } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from './support/scenario.js';
import type { ClientReportJson } from './support/sentry-json.js';
import { foundLabels, itemsOf } from './support/speak.js';

describe('a ZRM event the integration cannot read', () => {
  const canary = createTextCanary('unreadable');
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await runScenario({ control: false }, async (app) => {
      const res = await app.post(
        '/unreadable?enable_logging=false',
        { msg: canary.value },
        { 'x-request-id': 'unreadable-1' },
      );
      expect(await res.json()).toEqual({ captured: true });
    });
  });

  afterAll(() => scenario.close());

  it('is dropped, never sent raw', () => {
    expect(itemsOf(scenario.sent.envelopes, 'event')).toEqual([]);
    expect(foundLabels(scenario.sent.envelopes, [canary])).toEqual([]);
  });

  it("is counted: a dropped-record event, and Sentry's own client report of an event processor drop", () => {
    expect(scenario.redactions).toContainEqual({
      kind: 'dropped-record',
      count: 1,
      sink: 'sentry',
      requestId: 'unreadable-1',
    });
    const reports = itemsOf(scenario.sent.envelopes, 'client_report') as ClientReportJson[];
    const discarded = reports.flatMap((r) => r.discarded_events);
    expect(discarded).toContainEqual({ reason: 'event_processor', category: 'error', quantity: 1 });
  });
});
