import { currentScope, isZeroRetention } from '@zrm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, createApp, settleLogs, type TestApp } from './helpers.js';

const TOTAL = 2_000;
const IN_FLIGHT = 50;

/** A small deterministic PRNG, so every run awaits at the same (random-looking) points. */
function prng(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const random = prng(42);
const pause = (): Promise<void> => {
  const r = random();
  if (r < 0.3) return new Promise((resolve) => setImmediate(resolve));
  if (r < 0.6) return new Promise((resolve) => setTimeout(resolve, Math.floor(r * 4)));
  return Promise.resolve();
};

let t: TestApp;
const mismatches: string[] = [];

beforeAll(async () => {
  t = await createApp({}, (app) => {
    app.post('/work', async (request) => {
      const { text } = request.body as { text: string };
      await pause();
      if (
        currentScope()?.requestId !== String(request.id) ||
        isZeroRetention() !== request.zeroRetention
      ) {
        mismatches.push(String(request.id));
      }
      request.log.info({ text }, `processing ${text}`);
      await pause();
      request.log.info(`done with ${text}`);
      await pause();
      return { zeroRetention: request.zeroRetention };
    });
  });
});
afterAll(() => t.app.close());

describe('concurrency (Fastify)', () => {
  it(`serves ${TOTAL} requests, ${IN_FLIGHT} in flight, half ZRM: no ZRM canary in the logs, every ordinary one kept`, async () => {
    const requests = Array.from({ length: TOTAL }, (_, i) => ({
      zrm: i % 2 === 0,
      text: canary('TEXT'),
      query: canary('QUERY'),
    }));
    let next = 0;
    const wrong: number[] = [];
    async function worker(): Promise<void> {
      while (next < requests.length) {
        const i = next++;
        const r = requests[i];
        if (r === undefined) return;
        const flag = r.zrm ? 'enable_logging=false&' : '';
        const response = await fetch(`${t.url}/work?${flag}q=${r.query}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: r.text }),
        });
        const body = (await response.json()) as { zeroRetention: boolean };
        if (response.status !== 200 || body.zeroRetention !== r.zrm) wrong.push(i);
      }
    }
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    await settleLogs();
    expect(wrong).toEqual([]);
    expect(mismatches).toEqual([]);

    const logs = t.logs.text();
    const leaked = requests.filter(
      (r) => r.zrm && (logs.includes(r.text) || logs.includes(r.query)),
    );
    const lost = requests.filter(
      (r) =>
        !r.zrm &&
        !(
          logs.includes(`"msg":"processing ${r.text}"`) &&
          logs.includes(`done with ${r.text}`) &&
          logs.includes(r.query)
        ),
    );
    expect(leaked).toEqual([]);
    expect(lost).toEqual([]);
    expect(logs.split('\n').filter((line) => line.includes('"msg":"processing')).length).toBe(
      TOTAL,
    );
    // every line is still valid JSON (incoming, two handler lines, completed per request)
    expect(t.logs.lines().length).toBeGreaterThanOrEqual(TOTAL * 4);
  });
});
