import { createTextCanary } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentryReceiver } from '@zrm/testing';
import { holdZeroRetention } from './support/hold.js';
import { runScenario, type Scenario } from './support/scenario.js';
import { MAJORS } from './support/sdks.js';
import type { EventJson } from './support/sentry-json.js';
import { foundLabels, itemsOf } from './support/speak.js';

function messages(receiver: SentryReceiver): string[] {
  return (itemsOf(receiver.envelopes, 'event') as EventJson[]).map((e) => String(e.message));
}

describe.each(MAJORS)(
  'content of an in-flight ZRM request, captured in another context ($sdk)',
  (options) => {
    const zrm = createTextCanary('zrm-in-flight');
    const report = createTextCanary('ordinary-report');
    const worker = createTextCanary('ordinary-worker');
    let scenario: Scenario;

    beforeAll(async () => {
      scenario = await runScenario(options, async (app) => {
        const held = await holdZeroRetention(app, zrm);
        // an ordinary request captures what a shared store holds; a startup timer (no scope) does too
        const res = await app.post(
          '/report',
          { note: report.value, worker: worker.value },
          { 'x-request-id': 'report-1' },
        );
        expect(await res.json()).toEqual({ reported: 'ordinary' });
        await held.release();
      });
    });

    afterAll(() => scenario.close());

    it('positive control: without the integration both events carry the ZRM content', () => {
      const found = messages(scenario.control);
      expect(found.filter((m) => m.includes(zrm.value))).toHaveLength(2);
    });

    it("scrubs it from an ordinary request's event and from an event captured outside any scope", () => {
      expect(foundLabels(scenario.sent.envelopes, [zrm])).toEqual([]);
      const found = messages(scenario.sent);
      expect(found).toEqual(
        expect.arrayContaining([
          `report: [REDACTED] | ${report.value}`,
          `worker saw: [REDACTED] | ${worker.value}`,
        ]),
      );
    });

    it('keeps the rest of those events: their own content arrives', () => {
      expect(foundLabels(scenario.sent.envelopes, [report, worker])).toEqual([
        'ordinary-report',
        'ordinary-worker',
      ]);
    });

    it("counts each catch as cross-context, with the writing request's id (none outside a scope)", () => {
      const caught = scenario.redactions.filter(
        (e) => e.kind === 'cross-context' && e.sink === 'sentry',
      );
      expect(caught.some((e) => e.requestId === 'report-1')).toBe(true);
      expect(caught.some((e) => e.requestId === undefined)).toBe(true);
    });
  },
);
