import type { IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentScope, isZeroRetention, type RestrictionEvent } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler } from '@zrm/express';
import { canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { EXPRESS_VERSIONS } from './helpers/express-versions.js';
import { listen, waitFor, type Running } from './helpers/server.js';

interface Outcome {
  status: number;
  body: { error: { code: string; message: string; param?: string } } & Record<string, unknown>;
  headers: Headers;
}

const header = (req: unknown, name: string): string | undefined => {
  const value = (req as IncomingMessage).headers[name];
  return typeof value === 'string' ? value : undefined;
};

describe.each(EXPRESS_VERSIONS)('flag and policy matrix over HTTP (%s)', (_name, express) => {
  let running: Running;
  const restricted: RestrictionEvent[] = [];
  const handled: string[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    const app = express();
    app.set('query parser', false);
    // a logger mounted before the middleware: its finish line must still follow the request's mode
    app.use((req, res, next) => {
      res.on('finish', () =>
        logs.logger.info({ url: req.originalUrl, status: res.statusCode }, 'request done'),
      );
      next();
    });
    app.use(
      zeroRetention({
        force: (req) => header(req, 'x-agent') === 'zrm-agent',
        entitled: (req) => Promise.resolve(header(req, 'x-plan') !== 'free'),
        principal: (req) => header(req, 'x-account'),
        trustPropagated: (req) => header(req, 'x-peer') === 'trusted-peer',
        statefulParams: ['previous_request_ids'],
        onRestricted: (event) => restricted.push(event),
      }),
    );
    app.get('/mode', (_req, res) => {
      res.json({ zeroRetention: isZeroRetention(), source: currentScope()?.source });
    });
    app.post('/mode', express.json(), (req, res) => {
      handled.push(JSON.stringify(req.body));
      res.json({ zeroRetention: isZeroRetention(), source: currentScope()?.source });
    });
    app.use(zeroRetentionErrorHandler());
    running = await listen(app);
  });
  afterAll(() => running.close());

  async function get(query: string, headers: Record<string, string> = {}): Promise<Outcome> {
    const res = await fetch(`${running.url}/mode${query}`, { headers });
    return {
      status: res.status,
      body: (await res.json()) as Outcome['body'],
      headers: res.headers,
    };
  }

  function expectMode(outcome: Outcome, zeroRetention: boolean, source: string): void {
    expect(outcome.status).toBe(200);
    expect(outcome.body).toEqual({ zeroRetention, source });
    expect(outcome.headers.get('zero-retention')).toBe(zeroRetention ? 'enforced' : null);
    expect(outcome.headers.get('cache-control')).toBe(zeroRetention ? 'no-store' : null);
  }

  function expectError(outcome: Outcome, status: number, code: string, param?: string): void {
    expect(outcome.status).toBe(status);
    expect(outcome.body.error.code).toBe(code);
    expect(typeof outcome.body.error.message).toBe('string');
    expect(outcome.body.error.param).toBe(param);
    expect(outcome.headers.get('content-type')).toMatch(/^application\/json/);
    expect(outcome.headers.get('cache-control')).toBe('no-store');
  }

  it('keeps normal retention when enable_logging is absent', async () => {
    expectMode(await get(''), false, 'default');
  });

  it.each(['false', '0', 'FALSE', 'False'])('turns ZRM on for enable_logging=%s', async (value) => {
    expectMode(await get(`?enable_logging=${value}`), true, 'request');
  });

  it.each(['true', '1', 'TRUE'])('keeps normal retention for enable_logging=%s', async (value) => {
    expectMode(await get(`?enable_logging=${value}`), false, 'default');
  });

  it('reads a percent-encoded flag name from the raw query even with the query parser off', async () => {
    expectMode(await get('?enable%5Flogging=false'), true, 'request');
  });

  it('accepts repeated values that agree', async () => {
    expectMode(await get('?enable_logging=false&enable_logging=0'), true, 'request');
  });

  it.each([
    ['an empty value', '?enable_logging='],
    ['a bare name', '?enable_logging'],
    ['an unknown word', '?enable_logging=no'],
    ['a padded value', '?enable_logging=%20false'],
    ['values that disagree', '?enable_logging=false&enable_logging=true'],
  ])('answers %s with 400 invalid_enable_logging', async (_label, query) => {
    expectError(await get(query), 400, 'invalid_enable_logging', 'enable_logging');
  });

  it('never quotes a rejected flag value or the rest of the query in the error or the logs', async () => {
    const value = canary('flag');
    const text = canary('query');
    const outcome = await get(`?text=${text}&enable_logging=${value}`);
    expectError(outcome, 400, 'invalid_enable_logging', 'enable_logging');
    const raw = JSON.stringify(outcome.body);
    expect(raw).not.toContain(value);
    expect(raw).not.toContain(text);
    await waitFor(() => logs.text().includes('"status":400'));
    expect(logs.text()).not.toContain(value);
    expect(logs.text()).not.toContain(text);
  });

  it('still logs the query content of an ordinary request', async () => {
    const text = canary('ordinary-query');
    expectMode(await get(`?text=${text}&enable_logging=true`), false, 'default');
    await waitFor(() => logs.text().includes(text));
  });

  it('refuses ZRM for a principal that is not entitled with 403 and notifies onRestricted', async () => {
    restricted.length = 0;
    const outcome = await get('?enable_logging=false', {
      'x-plan': 'free',
      'x-account': 'acct_42',
    });
    expectError(outcome, 403, 'zero_retention_not_allowed');
    expect(restricted).toEqual([{ code: 'zero_retention_not_allowed', principal: 'acct_42' }]);
  });

  it('serves a principal that is not entitled normally when it does not ask for ZRM', async () => {
    expectMode(await get('?enable_logging=true', { 'x-plan': 'free' }), false, 'default');
  });

  it('forces ZRM by policy whatever the request says, enable_logging=true included', async () => {
    expectMode(await get('', { 'x-agent': 'zrm-agent' }), true, 'policy');
    expectMode(await get('?enable_logging=true', { 'x-agent': 'zrm-agent' }), true, 'policy');
  });

  it('honours baggage zrm=1 from a trusted peer', async () => {
    expectMode(
      await get('', { baggage: 'tenant=t1, zrm=1', 'x-peer': 'trusted-peer' }),
      true,
      'propagated',
    );
  });

  it('ignores baggage zrm=1 from an untrusted peer', async () => {
    expectMode(await get('', { baggage: 'zrm=1' }), false, 'default');
  });

  it('refuses ZRM together with a stateful parameter with 400 zero_retention_unavailable naming it', async () => {
    const outcome = await get('?enable_logging=false&previous_request_ids=abc');
    expectError(outcome, 400, 'zero_retention_unavailable', 'previous_request_ids');
  });

  it('allows a stateful parameter outside ZRM', async () => {
    expectMode(await get('?previous_request_ids=abc'), false, 'default');
  });

  async function post(query: string, body: unknown): Promise<Outcome> {
    const res = await fetch(`${running.url}/mode${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as Outcome['body'],
      headers: res.headers,
    };
  }

  it('refuses a stateful parameter in the parsed JSON body of a ZRM request before the handler runs', async () => {
    const secret = canary('BODY');
    const before = handled.length;
    const outcome = await post('?enable_logging=false', {
      text: secret,
      previous_request_ids: ['abc'],
    });
    expectError(outcome, 400, 'zero_retention_unavailable', 'previous_request_ids');
    expect(JSON.stringify(outcome.body)).not.toContain(secret);
    expect(handled.length).toBe(before);
    await waitFor(() => logs.text().includes('"status":400'));
    expect(logs.text()).not.toContain(secret);
  });

  it('answers a ZRM body without a stateful parameter, and an ordinary one with it', async () => {
    expectMode(await post('?enable_logging=false', { text: 'hello' }), true, 'request');
    expectMode(await post('', { text: 'hello', previous_request_ids: ['abc'] }), false, 'default');
    expect(handled.slice(-2)).toEqual([
      '{"text":"hello"}',
      '{"text":"hello","previous_request_ids":["abc"]}',
    ]);
  });
});

describe.each(EXPRESS_VERSIONS)('policy callbacks that fail (%s)', (_name, express) => {
  it('fails closed: a throwing force means ZRM, a rejecting entitled means 403', async () => {
    const app = express();
    app.use(
      zeroRetention({
        force: (req) => {
          if (header(req, 'x-break') === 'force') throw new Error('policy store down');
          return false;
        },
        entitled: (req) =>
          header(req, 'x-break') === 'entitled' ? Promise.reject(new Error('billing down')) : true,
      }),
    );
    app.get('/', (_req, res) => {
      res.json({ zeroRetention: isZeroRetention() });
    });
    const running = await listen(app);
    try {
      const forced = await fetch(`${running.url}/`, { headers: { 'x-break': 'force' } });
      expect(await forced.json()).toEqual({ zeroRetention: true });
      const refused = await fetch(`${running.url}/?enable_logging=false`, {
        headers: { 'x-break': 'entitled' },
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as Outcome['body']).error.code).toBe(
        'zero_retention_not_allowed',
      );
    } finally {
      await running.close();
    }
  });
});
