import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bindEmitterToScope, markSensitive } from '@zrm/core';
import { createScope } from '@zrm/core/adapter';
import { withZeroRetention } from '@zrm/pino';
import pino from 'pino';
import { pinoHttp } from 'pino-http';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, capture } from './helpers.js';

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** pino-http binds the request first; a ZRM decision is made afterwards (as a later middleware would). */
async function serve(log: pino.Logger): Promise<number> {
  const httpLogger = pinoHttp({ logger: log });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    httpLogger(req, res);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const zeroRetention = url.searchParams.get('enable_logging') === 'false';
    const scope = createScope({ zeroRetention });
    res.on('close', () => scope.end());
    scope.run(() => {
      bindEmitterToScope(res);
      const text = url.searchParams.get('text') ?? '';
      markSensitive(text);
      req.log.info({ chars: text.length }, 'synthesizing');
      if (url.pathname === '/fail') {
        // pino-http logs res.err with its own wrapped err serializer
        (res as ServerResponse & { err?: Error }).err = new Error(`could not synthesize ${text}`);
        res.statusCode = 500;
      }
      res.end('ok');
    });
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

describe('pino-http on a loopback server', () => {
  it('drops the query string, auth header and text of a ZRM request from the req binding and the response log', async () => {
    const out = capture();
    const port = await serve(pino(withZeroRetention(), out));
    const text = canary('text');
    const key = canary('key');
    expect(
      await get(port, `/v1/tts?text=${text}&enable_logging=false`, {
        authorization: `Bearer ${key}`,
      }),
    ).toBe(200);
    await new Promise((resolve) => setImmediate(resolve));
    const logged = out.text();
    expect(logged).not.toContain(text);
    expect(logged).not.toContain(key);
    const records = out.records();
    expect(records).toHaveLength(2);
    // pino-http's event name is kept; the app's bare message is replaced
    expect(records.map((r) => r.msg)).toEqual(['[REDACTED]', 'request completed']);
    for (const r of records)
      expect(r).toMatchObject({
        zrm: true,
        req: { url: '/v1/tts?text=[REDACTED]&enable_logging=false' },
      });
    expect(records[1]).toMatchObject({ res: { statusCode: 200 } });
  });

  it('drops the canary from the error pino-http logs for a failed ZRM request', async () => {
    const out = capture();
    const port = await serve(pino(withZeroRetention(), out));
    const text = canary('text');
    expect(await get(port, `/fail?text=${text}&enable_logging=false`)).toBe(500);
    await new Promise((resolve) => setImmediate(resolve));
    expect(out.text()).not.toContain(text);
    const failed = out.records()[1];
    expect(failed).toMatchObject({
      zrm: true,
      msg: 'request errored',
      res: { statusCode: 500 },
      err: { type: 'Error' },
    });
  });

  it('keeps the query string of an ordinary request complete', async () => {
    const out = capture();
    const port = await serve(pino(withZeroRetention(), out));
    const text = canary('text');
    await get(port, `/v1/tts?text=${text}`);
    await new Promise((resolve) => setImmediate(resolve));
    const records = out.records();
    expect(records).toHaveLength(2);
    for (const r of records) expect(r).toMatchObject({ req: { url: `/v1/tts?text=${text}` } });
  });
});
