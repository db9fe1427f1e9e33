import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { canary } from './helpers/canary.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { captureLogs } from './helpers/log-capture.js';
import { listen, waitFor, type Running } from './helpers/server.js';

const TOTAL = 2_000;
const IN_FLIGHT = 50;

/** A pause of a random kind: none, a microtask, an immediate or a short timer. */
function randomPause(): Promise<void> {
  const kind = Math.floor(Math.random() * 4);
  if (kind === 0) return Promise.resolve();
  if (kind === 1) return new Promise((r) => queueMicrotask(r));
  if (kind === 2) return new Promise((r) => setImmediate(r));
  return new Promise((r) => setTimeout(r, Math.floor(Math.random() * 3)));
}

describe.each(EXPRESS_VERSIONS.slice(0, 1))('concurrency (%s)', (_name, express) => {
  let running: Running;
  const logs = captureLogs();
  let inFlight = 0;
  let maxInFlight = 0;
  let arrived = 0;
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let afterResponse = 0;
  const modeErrors: string[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(zeroRetention());
    app.use(pinoHttp({ logger: logs.logger }));
    app.post('/synthesize', express.json(), async (req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      // the first IN_FLIGHT requests wait for each other: at least IN_FLIGHT are in flight at once
      if (arrived < IN_FLIGHT && ++arrived === IN_FLIGHT) openGate();
      if (arrived <= IN_FLIGHT) await gate;
      const { text, zrm } = req.body as { text: string; zrm: boolean };
      if (isZeroRetention() !== zrm) modeErrors.push('mode mismatch before await');
      await randomPause();
      req.log.info(`received ${text}`);
      await randomPause();
      if (isZeroRetention() !== zrm) modeErrors.push('mode mismatch after await');
      req.log.info({ detail: { echo: `processing ${text}` } }, 'step');
      inFlight--;
      res.json({ ok: true });
      setTimeout(
        () => {
          req.log.info(`after response ${text}`);
          afterResponse++;
        },
        Math.floor(Math.random() * 3),
      );
    });
    app.use(zeroRetentionErrorHandler());
    running = await listen(app);
  });
  afterAll(() => running.close());

  it(`serves ${TOTAL} mixed requests with ${IN_FLIGHT} in flight: no ZRM canary in the logs, every ordinary one kept`, async () => {
    const zrmCanaries: string[] = [];
    const ordinaryCanaries: string[] = [];
    let next = 0;
    async function client(): Promise<void> {
      while (next < TOTAL) {
        const i = next++;
        const zrm = i % 2 === 0;
        const text = canary(zrm ? 'zrm' : 'ordinary');
        (zrm ? zrmCanaries : ordinaryCanaries).push(text);
        const res = await fetch(`${running.url}/synthesize${zrm ? '?enable_logging=false' : ''}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text, zrm }),
        });
        expect(res.status).toBe(200);
        await res.arrayBuffer();
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, client));
    await waitFor(() => afterResponse === TOTAL);
    expect(maxInFlight).toBeGreaterThanOrEqual(IN_FLIGHT);
    expect(modeErrors).toEqual([]);

    const found = new Map<string, number>();
    for (const match of logs.text().matchAll(/CANARY-(?:zrm|ordinary)-[0-9a-f]{18}/g)) {
      found.set(match[0], (found.get(match[0]) ?? 0) + 1);
    }
    expect(zrmCanaries.filter((c) => found.has(c))).toEqual([]);
    // each ordinary canary: message, nested detail, after-response message
    expect(ordinaryCanaries.filter((c) => (found.get(c) ?? 0) < 3)).toEqual([]);
    // a bound for a shared, loaded machine, not a performance assertion
  }, 180_000);
});
