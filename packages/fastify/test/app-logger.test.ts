import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { inspect } from 'node:util';
import zeroRetention from '@zrm/fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, send } from './helpers.js';

let app: FastifyInstance | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('request loggers and the app logger', () => {
  it('gives ZRM requests a content-free request logger even when the app logger is its own child', async () => {
    const lines: string[] = [];
    const write = (...args: unknown[]): void => {
      lines.push(inspect(args, { depth: 4 }));
    };
    const logger: FastifyBaseLogger = {
      level: 'info',
      fatal: write,
      error: write,
      warn: write,
      info: write,
      debug: write,
      trace: write,
      silent: write,
      child: () => logger,
    };
    app = Fastify({ loggerInstance: logger });
    await app.register(zeroRetention);
    app.get('/tts', (request, reply) => {
      request.log.info({ url: request.url }, 'handled');
      return reply.send({ ok: true });
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const secret = canary();
    const kept = canary();
    expect((await send(`${url}/tts?enable_logging=false&text=${secret}`)).status).toBe(200);
    expect((await send(`${url}/tts?text=${kept}`)).status).toBe(200);
    const out = lines.join('\n');
    expect(out).toContain('incoming request');
    expect(out).not.toContain(secret);
    expect(out).toContain(kept);
  });

  it("keeps Fastify's own request logger when the app has none (logger: false), and still decides every request", async () => {
    app = Fastify({ logger: false });
    await app.register(zeroRetention);
    app.get('/tts', (request, reply) =>
      reply.send({ same: request.log === app?.log, zeroRetention: request.zeroRetention }),
    );
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const zrm = await send(`${url}/tts?enable_logging=false`);
    expect(JSON.parse(zrm.body)).toEqual({ same: true, zeroRetention: true });
    expect(zrm.headers.get('zero-retention')).toBe('enforced');
    const ordinary = await send(`${url}/tts`);
    expect(JSON.parse(ordinary.body)).toEqual({ same: true, zeroRetention: false });
    expect(ordinary.headers.get('zero-retention')).toBe(null);
  });
});
