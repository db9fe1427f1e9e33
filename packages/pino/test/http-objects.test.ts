import { once } from 'node:events';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runWithScope } from '@zrm/core';
import { withZeroRetention } from '@zrm/pino';
import { describe, expect, it } from 'vitest';
import { PINOS, canary, capture } from './helpers.js';

/** Runs one loopback request and hands its raw req/res to `handle`. */
async function withRequest(
  path: string,
  headers: Record<string, string>,
  handle: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<void> {
  const server = createServer((req, res) => {
    res.setHeader('x-voice', 'v1');
    handle(req, res);
    res.end('ok');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    await new Promise<void>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.close();
  }
}

describe.each(PINOS)('raw node http objects (%s)', (_name, pino) => {
  it('logs a raw request or response as content-free metadata in ZRM (no query values, no credentials)', async () => {
    const out = capture();
    const log = pino(withZeroRetention(), out);
    const text = canary('query');
    const cookie = canary('cookie');
    await withRequest(
      `/v1/tts?text=${text}&model_id=m1`,
      { cookie: `sid=${cookie}` },
      (req, res) => {
        runWithScope({ zeroRetention: true }, () => {
          log.info(req, 'as merging object');
          log.info({ request: req, response: res }, 'under keys');
          log.info(res, 'response');
        });
      },
    );
    expect(out.text()).not.toContain(text);
    expect(out.text()).not.toContain(cookie);
    const [asObject, underKeys, response] = out.records();
    expect(asObject).toMatchObject({
      zrm: true,
      req: {
        method: 'GET',
        url: '/v1/tts?text=[REDACTED]&model_id=m1',
        headers: { cookie: '[REDACTED]' },
      },
    });
    expect(underKeys).toMatchObject({ request: { method: 'GET' }, response: { statusCode: 200 } });
    expect(response).toMatchObject({ res: { statusCode: 200, headers: { 'x-voice': 'v1' } } });
  });
});
