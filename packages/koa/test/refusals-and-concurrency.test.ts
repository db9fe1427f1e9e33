import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention } from '@zrm/koa';
import { captureLogs, serve, waitFor, type Running } from './helpers/app.js';
import { KOA_VERSIONS } from './helpers/koa-versions.js';
import { bodyParser, pinoLogger } from './helpers/middleware.js';

const zrmCanary = () => `zrm_${randomBytes(12).toString('hex')}`;
const keptCanary = () => `kept-${randomBytes(12).toString('base64url')}`;

describe.each(KOA_VERSIONS)('refusals and concurrency through %s', (_name, Framework) => {
  let running: Running;
  const logs = captureLogs();
  let handled = 0;

  beforeAll(async () => {
    const app = new Framework();
    app.silent = true;
    app.use(pinoLogger({ logger: logs.logger, genReqId: (req) => String(req.headers['x-tag']) }));
    app.use(
      zeroRetention({
        statefulParams: ['previous_request_ids'],
        entitled: (ctx) => ctx.get('x-plan') === 'enterprise',
      }),
    );
    app.use(bodyParser());
    app.use(async (ctx) => {
      handled++;
      const body = ctx.request.body as { text?: string };
      // a turn of the event loop between the lines: interleaved requests overlap
      ctx.log.info(`first ${String(ctx.query.text)} ${String(body.text)}`);
      await new Promise((resolve) => setImmediate(resolve));
      ctx.log.info(`second ${String(ctx.query.text)} ${String(body.text)}`);
      ctx.body = { zeroRetention: isZeroRetention() };
    });
    running = await serve(app);
  });
  afterAll(() => running.close());

  async function post(tag: string, query: string, body: object, plan = 'enterprise') {
    const res = await fetch(`${running.url}/speak${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-tag': tag, 'x-plan': plan },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    await waitFor(() =>
      logs.lines.some((line) => line.includes(tag) && line.includes('responseTime')),
    );
    return { status: res.status, text, headers: res.headers };
  }

  it.each([
    ['a bad flag', '?enable_logging=nope', {}, 'enterprise', 400, 'invalid_enable_logging'],
    [
      'a principal not entitled',
      '?enable_logging=false',
      {},
      'free',
      403,
      'zero_retention_not_allowed',
    ],
    [
      'a stateful parameter in the query',
      '?enable_logging=false&previous_request_ids=r1',
      {},
      'enterprise',
      400,
      'zero_retention_unavailable',
    ],
    [
      'a stateful parameter in the JSON body',
      '?enable_logging=false',
      { previous_request_ids: ['r1'] },
      'enterprise',
      400,
      'zero_retention_unavailable',
    ],
  ] as const)(
    'refuses %s with a content-free JSON error before the handler runs',
    async (_row, flag, extra, plan, status, code) => {
      const secret = zrmCanary();
      const before = handled;
      const tag = `refusal-${randomBytes(6).toString('hex')}`;
      const answer = await post(tag, `${flag}&text=${secret}`, { ...extra, text: secret }, plan);
      expect(answer.status).toBe(status);
      expect((JSON.parse(answer.text) as { error: { code: string } }).error.code).toBe(code);
      expect(answer.text).not.toContain(secret);
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(handled).toBe(before);
      expect(logs.lines.some((line) => line.includes(tag))).toBe(true);
      expect(logs.text()).not.toContain(secret);
    },
  );

  it('keeps 50 interleaved ZRM requests out of the log and 50 ordinary ones complete', async () => {
    const zrm = Array.from({ length: 50 }, zrmCanary);
    const kept = Array.from({ length: 50 }, keptCanary);
    const answers = await Promise.all(
      zrm.flatMap((secret, i) => [
        post(`many-z${i}`, `?enable_logging=false&text=${secret}`, { text: secret }),
        post(`many-k${i}`, `?text=${kept[i]}`, { text: kept[i] }),
      ]),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    const text = logs.text();
    for (const secret of zrm) expect(text).not.toContain(secret);
    for (const value of kept) {
      const lines = logs.lines.filter((line) => line.includes(`second ${value} ${value}`));
      expect(lines).toHaveLength(1);
    }
  });
});
