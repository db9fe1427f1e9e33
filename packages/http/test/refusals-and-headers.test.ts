import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentScope, isZeroRetention, type ZrmScope } from '@zrm/core';
import { scopeOfRequest, zeroRetentionHandler } from '@zrm/http';
import { canary, captureLogs, listen, plainApp, waitFor, type Running } from './helpers/app.js';

const POLICY = {
  entitled: (req: IncomingMessage) => req.headers['x-plan'] === 'enterprise',
  principal: (req: IncomingMessage) => String(req.headers['x-account']),
  statefulParams: ['previous_request_ids'],
};

const REFUSALS = [
  ['a bad flag', 'enable_logging=maybe', {}, 400, 'invalid_enable_logging', 'enable_logging'],
  [
    'no entitlement',
    'enable_logging=false',
    { 'x-plan': 'free' },
    403,
    'zero_retention_not_allowed',
    undefined,
  ],
  [
    'a stateful parameter',
    'enable_logging=false&previous_request_ids=r1',
    { 'x-plan': 'enterprise' },
    400,
    'zero_retention_unavailable',
    'previous_request_ids',
  ],
] as const;

describe('refused requests', () => {
  const logs = captureLogs();
  const bare = captureLogs();
  const restricted: unknown[] = [];
  let handled = 0;
  let running: Running;
  let control: Running;
  const route = (_req: IncomingMessage, res: ServerResponse) => {
    handled++;
    res.end('served');
  };
  beforeAll(async () => {
    running = await listen(
      plainApp(
        logs.logger,
        { '/speech': route },
        {
          ...POLICY,
          onRestricted: (event) => restricted.push(event),
        },
      ),
    );
    control = await listen(plainApp(bare.logger, { '/speech': route }, false));
  });
  afterAll(async () => {
    await running.close();
    await control.close();
  });

  it.each(REFUSALS)(
    '%s: answered with a content-free JSON body; no query value in any line',
    async (_name, query, headers, status, code, param) => {
      const text = canary('zrmrefused');
      const before = handled;
      const res = await fetch(`${running.url}/speech?${query}&text=${text}`, {
        headers: { ...headers, 'x-account': 'acct-7', 'x-tag': code },
      });
      const body = await res.text();
      expect(res.status).toBe(status);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(JSON.parse(body)).toMatchObject({ error: { code, ...(param ? { param } : {}) } });
      expect(body).not.toContain(text);
      expect(handled).toBe(before);
      await waitFor(() => logs.text().includes(`"tag":"${code}"`));
      expect(logs.text()).toContain('/speech?');
      expect(logs.text()).not.toContain(text);
    },
  );

  it('fires onRestricted once per refused entitlement, with the principal', () => {
    expect(restricted).toHaveLength(1);
    expect(restricted[0]).toMatchObject({ principal: 'acct-7' });
  });

  it('positive control: without the wrapper the same URL logs the query canary', async () => {
    const text = canary('ctlrefused');
    const res = await fetch(`${control.url}/speech?enable_logging=maybe&text=${text}`, {
      headers: { 'x-tag': 'ctl' },
    });
    expect(res.status).toBe(200);
    await waitFor(() => bare.text().includes('"tag":"ctl"'));
    expect(bare.text()).toContain(text);
  });

  it('an entitled ZRM request is served', async () => {
    const res = await fetch(`${running.url}/speech?enable_logging=false`, {
      headers: { 'x-plan': 'enterprise' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('served');
  });
});

describe('ZRM response headers and the scope', () => {
  const scopes: ZrmScope[] = [];
  let running: Running;
  beforeAll(async () => {
    running = await listen(
      zeroRetentionHandler(
        (req, res) => {
          scopes.push(scopeOfRequest(req)!);
          expect(currentScope()).toBe(scopeOfRequest(req));
          const how = new URL(req.url ?? '/', 'http://localhost').searchParams.get('how');
          res.setHeader('Cache-Control', 'public, max-age=60');
          res.appendHeader('zero-retention', 'off');
          if (how === 'remove') {
            res.removeHeader('cache-control');
            res.removeHeader('Zero-Retention');
            res.end(String(isZeroRetention()));
          } else if (how === 'object') {
            res.writeHead(200, {
              'cache-control': 'max-age=1',
              'Zero-Retention': 'off',
              'x-own': 'kept',
            });
            res.end(String(isZeroRetention()));
          } else {
            res.writeHead(200, [
              'Cache-Control',
              'max-age=5',
              'zero-retention',
              'off',
              'x-own',
              'kept',
            ]);
            res.end(String(isZeroRetention()));
          }
        },
        { requestId: (req) => req.headers['x-trace'] as string | undefined },
      ),
    );
  });
  afterAll(() => running.close());

  it.each(['remove', 'object', 'array'])(
    'ZRM (%s): no-store and enforced, whatever the handler sets',
    async (how) => {
      const res = await fetch(`${running.url}/?enable_logging=false&how=${how}`);
      expect(await res.text()).toBe('true');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('zero-retention')).toBe('enforced');
      if (how !== 'remove') expect(res.headers.get('x-own')).toBe('kept');
    },
  );

  it.each(['object', 'array'])(
    'ordinary (%s): the handler’s own headers, no zero-retention header added',
    async (how) => {
      const res = await fetch(`${running.url}/?how=${how}`);
      expect(await res.text()).toBe('false');
      expect(res.headers.get('cache-control')).toMatch(/^max-age=/);
      expect(res.headers.get('zero-retention')).toBe('off');
    },
  );

  it('the scope carries the requestId option and ends once the response closed', async () => {
    scopes.length = 0;
    await (
      await fetch(`${running.url}/?enable_logging=false&how=object`, {
        headers: { 'x-trace': 'trace-1' },
      })
    ).text();
    await waitFor(() => scopes[0]?.ended === true);
    expect(scopes[0]?.requestId).toBe('trace-1');
    expect(scopes[0]?.zeroRetention).toBe(true);
  });
});

describe('bad options', () => {
  it('throws a clear TypeError for a missing handler or a bad onError', () => {
    // @ts-expect-error -- not a function
    expect(() => zeroRetentionHandler(undefined)).toThrow(
      'zeroRetentionHandler: handler must be a function',
    );
    // @ts-expect-error -- not a function
    expect(() => zeroRetentionHandler(() => undefined, { onError: 'log' })).toThrow(
      'zeroRetentionHandler: onError must be a function',
    );
    // @ts-expect-error -- not a function
    expect(() => zeroRetentionHandler(() => undefined, { entitled: true })).toThrow(
      'zrm policy: entitled must be a function',
    );
  });
});
