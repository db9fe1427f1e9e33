import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { currentScope, isZeroRetention, type RestrictionEvent } from '@zrm/core';
import { zeroRetentionWebSocket } from '@zrm/ws';
import { canary } from './helpers/canary.js';
import { captureLogs } from './helpers/log-capture.js';
import { closeClient, connect, open, waitFor } from './helpers/ws-client.js';

const header = (req: unknown, name: string): string | undefined => {
  const value = (req as IncomingMessage).headers[name];
  return typeof value === 'string' ? value : undefined;
};

describe('flag and policy matrix on the websocket upgrade (standalone ws server)', () => {
  let wss: WebSocketServer;
  let base: string;
  const restricted: RestrictionEvent[] = [];
  const logs = captureLogs();

  beforeAll(async () => {
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    zeroRetentionWebSocket(wss, {
      force: (req) => header(req, 'x-agent') === 'zrm-agent',
      entitled: (req) => Promise.resolve(header(req, 'x-plan') !== 'free'),
      principal: (req) => header(req, 'x-account'),
      trustPropagated: (req) => header(req, 'x-peer') === 'trusted-peer',
      statefulParams: ['previous_text_id'],
      onRestricted: (event) => restricted.push(event),
    });
    wss.on('connection', (ws, req) => {
      logs.logger.info({ url: req.url }, 'connection');
      ws.send(JSON.stringify({ zeroRetention: isZeroRetention(), source: currentScope()?.source }));
    });
    await new Promise((r) => wss.once('listening', r));
    base = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/v1/text-to-speech/voice/stream-input`;
  });
  afterAll(() => new Promise<void>((r) => wss.close(() => r())));

  async function expectMode(
    query: string,
    headers: Record<string, string>,
    zeroRetention: boolean,
    source: string,
  ) {
    const client = await open(`${base}${query}`, headers);
    await waitFor(() => client.received.length > 0);
    expect(JSON.parse(client.received[0]!)).toEqual({ zeroRetention, source });
    expect(client.headers['zero-retention']).toBe(zeroRetention ? 'enforced' : undefined);
    await closeClient(client.ws);
  }

  async function expectRefused(
    query: string,
    headers: Record<string, string>,
    status: number,
    code: string,
  ) {
    const result = await connect(`${base}${query}`, headers);
    if ('ws' in result) throw new Error('upgrade was accepted');
    expect(result.status).toBe(status);
    const body = JSON.parse(result.body) as { error: { code: string; message: string } };
    expect(body.error.code).toBe(code);
    expect(typeof body.error.message).toBe('string');
    return result.body;
  }

  it('keeps normal retention when enable_logging is absent', async () => {
    await expectMode('', {}, false, 'default');
  });

  it.each(['false', '0', 'FALSE'])(
    'turns ZRM on for enable_logging=%s and answers Zero-Retention: enforced',
    async (v) => {
      await expectMode(`?enable_logging=${v}`, {}, true, 'request');
    },
  );

  it.each(['true', '1'])('keeps normal retention for enable_logging=%s', async (v) => {
    await expectMode(`?enable_logging=${v}`, {}, false, 'default');
  });

  it.each([
    ['an empty value', '?enable_logging='],
    ['an unknown word', '?enable_logging=off'],
    ['values that disagree', '?enable_logging=0&enable_logging=1'],
  ])('refuses the upgrade for %s with 400 invalid_enable_logging', async (_label, query) => {
    await expectRefused(query, {}, 400, 'invalid_enable_logging');
  });

  it('refuses an invalid upgrade without quoting its query in the body or the logs', async () => {
    const value = canary('flag');
    const text = canary('query');
    const body = await expectRefused(
      `?text=${text}&enable_logging=${value}`,
      {},
      400,
      'invalid_enable_logging',
    );
    expect(body).not.toContain(value);
    expect(body).not.toContain(text);
    expect(logs.text()).not.toContain(value);
  });

  it('refuses ZRM for a principal that is not entitled with 403 and notifies onRestricted', async () => {
    restricted.length = 0;
    await expectRefused(
      '?enable_logging=false',
      { 'x-plan': 'free', 'x-account': 'acct_7' },
      403,
      'zero_retention_not_allowed',
    );
    expect(restricted).toEqual([{ code: 'zero_retention_not_allowed', principal: 'acct_7' }]);
  });

  it('forces ZRM by policy even with enable_logging=true', async () => {
    await expectMode('?enable_logging=true', { 'x-agent': 'zrm-agent' }, true, 'policy');
  });

  it('honours baggage zrm=1 from a trusted peer and ignores it from an untrusted one', async () => {
    await expectMode('', { baggage: 'zrm=1', 'x-peer': 'trusted-peer' }, true, 'propagated');
    await expectMode('', { baggage: 'zrm=1' }, false, 'default');
  });

  it('refuses ZRM with a stateful parameter with 400 zero_retention_unavailable', async () => {
    const body = await expectRefused(
      '?enable_logging=false&previous_text_id=abc',
      {},
      400,
      'zero_retention_unavailable',
    );
    expect(JSON.parse(body)).toMatchObject({ error: { param: 'previous_text_id' } });
  });

  it('logs the query content of an ordinary connection where the app logs it', async () => {
    const text = canary('ordinary');
    await expectMode(`?text=${text}`, {}, false, 'default');
    expect(logs.text()).toContain(text);
  });

  it('drops the query content of a ZRM connection from the app log', async () => {
    const text = canary('zrm-query');
    await expectMode(`?text=${text}&enable_logging=false`, {}, true, 'request');
    expect(logs.text()).toContain('connection');
    expect(logs.text()).not.toContain(text);
  });
});
