import Fastify from 'fastify';
import { get } from 'node:http';
import zeroRetention from '@zrm/fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, captureLogs, createApp, send, settleLogs, type TestApp } from './helpers.js';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.app.close();
  t = undefined;
});

describe('@zrm/fastify options and failure paths', () => {
  it('refuses to register with invalid options, with a clear error', async () => {
    const app = Fastify();
    await expect(
      app.register(zeroRetention, { force: 'yes' as unknown as () => boolean }),
    ).rejects.toThrow('zrm policy: force must be a function');
    await app.close();
  });

  it('treats a force predicate that throws as forced (fail closed)', async () => {
    t = await createApp(
      {
        force: () => {
          throw new Error('tenant lookup failed');
        },
      },
      (app) =>
        app.get('/tts', (request, reply) => reply.send({ zeroRetention: request.zeroRetention })),
    );
    const response = await send(`${t.url}/tts?enable_logging=true`);
    expect(JSON.parse(response.body)).toEqual({ zeroRetention: true });
  });

  it('treats an entitled predicate that rejects as not entitled (403)', async () => {
    t = await createApp({ entitled: () => Promise.reject(new Error('billing down')) }, (app) =>
      app.get('/tts', (request, reply) => reply.send({ zeroRetention: request.zeroRetention })),
    );
    const response = await send(`${t.url}/tts?enable_logging=false`);
    expect(response.status).toBe(403);
  });

  it('never throws into a ZRM request when the logger throws, and still serves it', async () => {
    const logs = captureLogs();
    const app = Fastify({
      logger: {
        level: 'info',
        stream: logs.stream,
        serializers: {
          custom: () => {
            throw new Error('serializer bug');
          },
        },
      },
    });
    await app.register(zeroRetention);
    app.get('/tts', (request, reply) => {
      request.log.info({ custom: 1 }, 'will throw in the serializer');
      return reply.send({ ok: true });
    });
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await send(`${url}/tts?enable_logging=false`);
      expect(response.status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('writes the held lines content-free when an earlier hook answers before the plugin decides', async () => {
    const secret = canary();
    const logs = captureLogs();
    const app = Fastify({ logger: { level: 'info', stream: logs.stream } });
    // registered before the plugin: answers before the plugin's onRequest runs
    app.addHook('onRequest', (_request, reply, done) => {
      void reply.code(401).send({ error: 'unauthorized' });
      done();
    });
    await app.register(zeroRetention, { force: () => false });
    app.get('/tts', (_request, reply) => reply.send({ ok: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await send(`${url}/tts?text=${secret}`)).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 20));
      await settleLogs();
      expect(logs.text()).toContain('incoming request');
      expect(logs.text()).not.toContain(secret);
    } finally {
      await app.close();
    }
  });

  it('keeps the lines of an ordinary request decided by an async policy that log after its connection closed', async () => {
    const secret = canary();
    let logged!: () => void;
    const loggedLater = new Promise<void>((resolve) => (logged = resolve));
    t = await createApp({ force: () => Promise.resolve(false) }, (app) =>
      app.get('/tts', (request, reply) => {
        setTimeout(() => {
          request.log.info({ text: secret }, `after close ${secret}`);
          logged();
        }, 30);
        return reply.send({ ok: true });
      }),
    );
    // agent: false sends Connection: close, so the request's socket (and the raw request) closes first
    await new Promise<void>((resolve, reject) =>
      get(`${t!.url}/tts`, { agent: false }, (res) => res.resume().on('end', resolve)).on(
        'error',
        reject,
      ),
    );
    await loggedLater;
    await settleLogs();
    expect(t.logs.text()).toContain(`"text":"${secret}","msg":"after close ${secret}"`);
  });
});
