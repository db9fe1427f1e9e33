import { Hono } from 'hono';
import { pinoLogger, type PinoLogger } from 'hono-pino';
import { describe, expect, it } from 'vitest';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler, type ZeroRetentionVariables } from '@zrm/hono';
import { canary, captureLogs, serverPerTest, waitFor, type LogCapture } from './helpers/server.js';

const server = serverPerTest();

/** A request logger before the adapter, hono-pino after it, a handler that awaits and logs the query. */
async function start(logs: LogCapture) {
  const app = new Hono<{ Variables: ZeroRetentionVariables & { logger: PinoLogger } }>();
  app.use(async (c, next) => {
    await next();
    logs.logger.info(
      { done: c.req.header('x-request-id') },
      `finished ${c.req.url} ${c.res.status}`,
    );
  });
  app.use(
    zeroRetention({
      statefulParams: ['previous_request_ids'],
      entitled: (c) => c.req.header('x-plan') === 'enterprise',
      principal: (c) => c.req.header('x-account'),
    }),
  );
  app.use(pinoLogger({ pino: logs.logger }));
  app.get('/work', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 5)));
    c.get('logger').info(`work text=${c.req.query('text')}`);
    return c.json({ zeroRetention: isZeroRetention(), flag: c.get('zeroRetention') });
  });
  app.onError(zeroRetentionErrorHandler());
  return server.serve(app);
}

let n = 0;
async function get(
  logs: LogCapture,
  url: string,
  query: string,
  headers: Record<string, string> = {},
) {
  const id = `r-${++n}`;
  const res = await fetch(`${url}/work?${query}`, { headers: { ...headers, 'x-request-id': id } });
  const text = await res.text();
  await waitFor(() => logs.text().includes(`"done":"${id}"`));
  return { status: res.status, text, json: JSON.parse(text) as Record<string, unknown>, res };
}

const enterprise = { 'x-plan': 'enterprise', 'x-account': 'acct_1' };

describe('refusals: content-free JSON, no canary in any line', () => {
  const rows: [string, string, Record<string, string>, number, Record<string, unknown>][] = [
    [
      'a bad flag',
      'enable_logging=nope',
      enterprise,
      400,
      { code: 'invalid_enable_logging', param: 'enable_logging' },
    ],
    [
      'not entitled',
      'enable_logging=false',
      { 'x-account': 'acct_2' },
      403,
      { code: 'zero_retention_not_allowed' },
    ],
    [
      'a stateful parameter in the query',
      'enable_logging=false&previous_request_ids=abc',
      enterprise,
      400,
      { code: 'zero_retention_unavailable', param: 'previous_request_ids' },
    ],
  ];
  for (const [name, flag, headers, status, error] of rows) {
    it(`${name}: ${status}`, async () => {
      const logs = captureLogs();
      const url = await start(logs);
      const c = canary('zrm-refused');
      const r = await get(logs, url, `${flag}&text=${c}`, headers);
      expect(r.status).toBe(status);
      expect(r.json).toEqual({ error: { message: expect.any(String), ...error } });
      expect(r.res.headers.get('cache-control')).toBe('no-store');
      expect(r.text).not.toContain(c);
      expect(logs.text()).toContain('finished http://');
      expect(logs.text()).not.toContain(c);
    });
  }
});

describe('concurrency', () => {
  it('50 ZRM and 50 ordinary requests interleaved: no ZRM canary anywhere, every ordinary one complete', async () => {
    const logs = captureLogs();
    const url = await start(logs);
    const zrm = Array.from({ length: 50 }, (_, i) => canary(`zrm${i}`));
    const ordinary = Array.from({ length: 50 }, (_, i) => canary(`ord${i}`));
    const results = await Promise.all(
      zrm.flatMap((z, i) => [
        get(logs, url, `enable_logging=false&text=${z}`, enterprise),
        get(logs, url, `text=${ordinary[i]}`),
      ]),
    );
    results.forEach((r, i) =>
      expect(r.json).toEqual({ zeroRetention: i % 2 === 0, flag: i % 2 === 0 }),
    );
    const text = logs.text();
    for (const z of zrm) expect(text).not.toContain(z);
    for (const o of ordinary) {
      expect(text).toContain(`"msg":"work text=${o}"`);
      expect(text).toContain(`text=${o} 200`);
    }
  });

  it('positive control: without the adapter the ZRM canaries are logged', async () => {
    const logs = captureLogs();
    const app = new Hono();
    app.get('/work', (c) => {
      logs.logger.info(`work text=${c.req.query('text')}`);
      return c.json({ zeroRetention: isZeroRetention() });
    });
    const url = await server.serve(app);
    const c = canary('control-conc');
    await fetch(`${url}/work?enable_logging=false&text=${c}`).then((r) => r.text());
    expect(logs.text()).toContain(`work text=${c}`);
  });
});
