import { assertProviderAllowed, type RestrictionEvent } from '@zrm/core';
import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, createApp, send, settleLogs, type TestApp } from './helpers.js';

const restricted: RestrictionEvent[] = [];
let t: TestApp;

const header = (req: unknown, name: string): unknown => (req as FastifyRequest).headers[name];

beforeAll(async () => {
  t = await createApp(
    {
      entitled: (req) => header(req, 'x-tenant') !== 'free',
      force: async (req) => {
        await new Promise((resolve) => setImmediate(resolve));
        return header(req, 'x-agent') === 'zrm-agent';
      },
      principal: (req) => header(req, 'x-tenant') as string | undefined,
      trustPropagated: (req) => header(req, 'x-peer') === 'trusted',
      statefulParams: ['previous_request_ids'],
      providers: ['allowed-llm'],
      onRestricted: (event) => restricted.push(event),
    },
    (app) => {
      app.all('/tts', (request, reply) => reply.send({ zeroRetention: request.zeroRetention }));
      app.post('/llm', (request, reply) => {
        assertProviderAllowed((request.body as { provider: string }).provider);
        return reply.send({ zeroRetention: request.zeroRetention });
      });
    },
  );
});
afterAll(() => t.app.close());

async function mode(path: string, init?: RequestInit): Promise<string> {
  const response = await send(`${t.url}${path}`, init);
  expect(response.status).toBe(200);
  const zrm = (JSON.parse(response.body) as { zeroRetention: boolean }).zeroRetention;
  // the response headers say the same as request.zeroRetention
  expect(response.headers.get('zero-retention')).toBe(zrm ? 'enforced' : null);
  expect(response.headers.get('cache-control')).toBe(zrm ? 'no-store' : null);
  return zrm ? 'zrm' : 'ordinary';
}

describe('flag matrix over HTTP (Fastify)', () => {
  it('keeps normal retention without enable_logging', async () => {
    expect(await mode('/tts')).toBe('ordinary');
  });

  it.each(['false', '0', 'FALSE', 'False'])('turns ZRM on for enable_logging=%s', async (value) => {
    expect(await mode(`/tts?enable_logging=${value}`)).toBe('zrm');
  });

  it.each(['true', '1', 'TRUE'])('keeps normal retention for enable_logging=%s', async (value) => {
    expect(await mode(`/tts?enable_logging=${value}`)).toBe('ordinary');
  });

  it('accepts repeated values that agree', async () => {
    expect(await mode('/tts?enable_logging=false&enable_logging=0')).toBe('zrm');
  });

  it.each([
    ['empty', 'enable_logging='],
    ['bare name', 'enable_logging'],
    ['unknown value', 'enable_logging=nope_VALUE_CANARY'],
    ['padded value', 'enable_logging=%20false'],
    ['disagreeing repeats', 'enable_logging=false&enable_logging=true'],
  ])('answers 400 invalid_enable_logging, content-free, for %s', async (_name, query) => {
    const response = await send(`${t.url}/tts?${query}`);
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const body = JSON.parse(response.body) as {
      error: { code: string; message: string; param: string };
    };
    expect(body.error.code).toBe('invalid_enable_logging');
    expect(body.error.param).toBe('enable_logging');
    expect(response.body).not.toContain('VALUE_CANARY');
  });

  it('answers 403 zero_retention_not_allowed to a principal that is not entitled, and tells onRestricted', async () => {
    const response = await send(`${t.url}/tts?enable_logging=false`, {
      headers: { 'x-tenant': 'free' },
    });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({
      error: {
        code: 'zero_retention_not_allowed',
        message: 'Zero Retention Mode is not available for this account.',
      },
    });
    expect(restricted).toContainEqual({ code: 'zero_retention_not_allowed', principal: 'free' });
  });

  it('serves a principal that is not entitled normally when it does not ask for ZRM', async () => {
    expect(await mode('/tts?enable_logging=true', { headers: { 'x-tenant': 'free' } })).toBe(
      'ordinary',
    );
  });

  it('forces ZRM by policy (async force) even with enable_logging=true', async () => {
    expect(await mode('/tts?enable_logging=true', { headers: { 'x-agent': 'zrm-agent' } })).toBe(
      'zrm',
    );
    expect(await mode('/tts', { headers: { 'x-agent': 'zrm-agent' } })).toBe('zrm');
  });

  it('honours baggage zrm=1 from a trusted peer', async () => {
    expect(
      await mode('/tts', { headers: { baggage: 'tenant=a,zrm=1', 'x-peer': 'trusted' } }),
    ).toBe('zrm');
  });

  it('ignores baggage zrm=1 from an untrusted peer', async () => {
    expect(await mode('/tts', { headers: { baggage: 'zrm=1' } })).toBe('ordinary');
  });

  it('answers 400 zero_retention_unavailable, naming the parameter, for ZRM with a stateful query parameter', async () => {
    const response = await send(`${t.url}/tts?enable_logging=false&previous_request_ids=abc`);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: 'zero_retention_unavailable', param: 'previous_request_ids' },
    });
  });

  it('answers 400 zero_retention_unavailable for ZRM with a stateful parameter in the JSON body', async () => {
    const response = await send(`${t.url}/tts?enable_logging=false`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello there', previous_request_ids: ['a'] }),
    });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      error: { code: 'zero_retention_unavailable', param: 'previous_request_ids' },
    });
  });

  it('allows a stateful parameter outside ZRM', async () => {
    expect(await mode('/tts?previous_request_ids=abc')).toBe('ordinary');
  });

  it('refuses a provider that is not on the ZRM allow-list with 403 zero_retention_provider_not_allowed', async () => {
    const post = (query: string, provider: string) =>
      send(`${t.url}/llm${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ provider }),
      });
    const refused = await post('?enable_logging=false', 'other-llm');
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 'zero_retention_provider_not_allowed' });
    expect((await post('?enable_logging=false', 'allowed-llm')).status).toBe(200);
    expect((await post('', 'other-llm')).status).toBe(200);
  });

  it('logs nothing about the content of a refused request', async () => {
    const secret = canary();
    await send(`${t.url}/tts?enable_logging=maybe&text=${secret}`, {
      headers: { 'x-tenant': 'free' },
    });
    await send(`${t.url}/tts?enable_logging=false&text=${secret}`, {
      headers: { 'x-tenant': 'free' },
    });
    await settleLogs();
    expect(t.logs.text()).toContain('incoming request');
    expect(t.logs.text()).not.toContain(secret);
  });
});
