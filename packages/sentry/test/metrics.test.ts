import { createTextCanary } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario, type Scenario } from './support/scenario.js';
import { MAJORS } from './support/sdks.js';
import { attribute, type RecordsJson, type SpanJson } from './support/sentry-json.js';
import { foundLabels, itemsOf } from './support/speak.js';

// Sentry 9 has no metrics API
describe.each(MAJORS.filter((sdk) => sdk.sentryPackage !== '@sentry/node-v9'))(
  'a metric recorded in a ZRM request ($sdk)',
  (options) => {
    const canary = createTextCanary('zrm-metric');
    let scenario: Scenario;

    beforeAll(async () => {
      scenario = await runScenario(options, async (app) => {
        const res = await app.post('/metric?enable_logging=false', { text: canary.value });
        expect(await res.json()).toEqual({ counted: true });
      });
    });

    afterAll(() => scenario.close());

    function metrics(which: 'sent' | 'control'): SpanJson[] {
      return (
        itemsOf(scenario[which].envelopes, 'trace_metric') as RecordsJson<SpanJson>[]
      ).flatMap((p) => p.items);
    }

    it('positive control: without the integration its attribute carries the text', () => {
      expect(foundLabels(scenario.control.envelopes, [canary])).toEqual(['zrm-metric']);
      expect(metrics('control')).toHaveLength(1);
    });

    it('keeps its name, value and metadata attributes; its content attribute is replaced', () => {
      expect(foundLabels(scenario.sent.envelopes, [canary])).toEqual([]);
      const [metric] = metrics('sent');
      expect(metric).toMatchObject({ name: 'speech.requests', value: 1 });
      expect(attribute(metric!, 'text')).toBe('[REDACTED]');
      expect(attribute(metric!, 'voice')).toBe('v1');
      expect(attribute(metric!, 'zrm.zero_retention')).toBe(true);
    });
  },
);
