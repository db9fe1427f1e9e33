import { createTextCanary } from '@zrm/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SentryReceiver } from '@zrm/testing';
import { runScenario, type Scenario } from './support/scenario.js';
import { MAJORS } from './support/sdks.js';
import type { EventJson } from './support/sentry-json.js';
import { foundLabels, itemsOf } from './support/speak.js';

/**
 * Breadcrumbs are recorded when the call happens, in whatever context runs
 * then, and sent later with whichever event is captured in that Sentry scope.
 */
describe.each(MAJORS)(
  'breadcrumbs recorded in one context and sent with an event of another ($sdk)',
  (options) => {
    const fetched = createTextCanary('zrm-fetch-query');
    const job = createTextCanary('zrm-job-console');
    const note = createTextCanary('ordinary-note');
    let scenario: Scenario;

    beforeAll(async () => {
      scenario = await runScenario(options, async (app) => {
        const steps: [string, unknown][] = [
          ['/warm', {}],
          ['/fetch?enable_logging=false', { out: fetched.value }],
          ['/job?enable_logging=false', { note: job.value }],
          ['/worker-report', { note: note.value }],
        ];
        for (const [path, body] of steps) expect((await app.post(path, body)).status).toBe(200);
      });
    });

    afterAll(() => scenario.close());

    function report(receiver: SentryReceiver): EventJson {
      const found = (itemsOf(receiver.envelopes, 'event') as EventJson[]).find((e) =>
        String(e.message).startsWith('worker report'),
      );
      expect(found).toBeDefined();
      return found!;
    }

    it('positive control: a ZRM fetch on a connection opened elsewhere, and a ZRM job, leave their content in the process-wide breadcrumbs', () => {
      expect(foundLabels([...scenario.control.envelopes], [fetched, job])).toEqual([
        'zrm-fetch-query',
        'zrm-job-console',
      ]);
      const crumbs = JSON.stringify(report(scenario.control).breadcrumbs);
      expect(
        foundLabels(
          [
            {
              path: '',
              raw: Buffer.from(crumbs),
              bytes: Buffer.from(crumbs),
              headers: {},
              items: [],
            },
          ],
          [fetched, job],
        ),
      ).toHaveLength(2);
    });

    it('with the integration neither reaches Sentry; the breadcrumbs stay, content-free', () => {
      expect(foundLabels(scenario.sent.envelopes, [fetched, job])).toEqual([]);
      const crumbs = report(scenario.sent).breadcrumbs;
      const http = crumbs.filter(
        (b) => b.category === 'http' && String(b.data?.url).endsWith('/v'),
      );
      expect(http).toHaveLength(1);
      expect(http[0]!.data?.status_code).toBe(200);
      // Sentry 11 names it `url.query`, Sentry 10 and 9 `http.query`
      expect(String(http[0]!.data?.['url.query'] ?? http[0]!.data?.['http.query'])).toMatch(
        /^\??q=\[REDACTED\]$/,
      );
      const console_ = crumbs.filter((b) => b.category === 'console');
      expect(console_).toContainEqual(expect.objectContaining({ message: '[REDACTED]' }));
    });

    it('the ordinary event itself arrives complete', () => {
      expect(report(scenario.sent).message).toBe(`worker report ${note.value}`);
    });
  },
);
