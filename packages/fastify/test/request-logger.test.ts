import Fastify, { type FastifyBaseLogger, type FastifyServerOptions } from 'fastify';
import zeroRetention from '@zrm/fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, captureLogs, send, settleLogs } from './helpers.js';

/** The request logger takes zrm's methods itself, or is wrapped when that would not be safe. */
const apps: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(options: FastifyServerOptions = {}) {
  const logs = captureLogs();
  const app = Fastify({ logger: { level: 'info', stream: logs.stream }, ...options });
  apps.push(app);
  await app.register(zeroRetention);
  app.post('/say', (request, reply) => {
    const { text } = request.body as { text: string };
    request.log.info({ text }, 'saying');
    request.log.child({ note: text }).info('child line');
    return reply.send({ ok: true });
  });
  app.post('/loud', { logLevel: 'debug' }, (request, reply) => {
    request.log.debug({ text: (request.body as { text: string }).text }, 'debug line');
    return reply.send({ ok: true });
  });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, url, logs };
}

const post = (url: string, path: string, text: string) =>
  send(`${url}${path}?enable_logging=false`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });

describe('the request logger', () => {
  it('keeps ZRM content out of lines of a request child and of its own children', async () => {
    const { url, logs } = await start();
    const secret = canary('zrm_say');
    expect((await post(url, '/say', secret)).status).toBe(200);
    await settleLogs();
    expect(logs.text()).not.toContain(secret);
    expect(logs.lines().filter((line) => line.msg === 'child line')).toHaveLength(1);
  });

  it('keeps ZRM content out of a route with its own log level (a child with level methods of its own)', async () => {
    const { url, logs } = await start();
    const secret = canary('zrm_loud');
    expect((await post(url, '/loud', secret)).status).toBe(200);
    await settleLogs();
    expect(logs.lines().some((line) => line.msg === 'debug line')).toBe(true);
    expect(logs.text()).not.toContain(secret);
  });

  it('never changes the app logger when a custom factory hands it out as the request logger', async () => {
    const { app, url, logs } = await start({
      childLoggerFactory: (logger: FastifyBaseLogger) => logger,
    });
    const secret = canary('zrm_shared');
    expect((await post(url, '/say', secret)).status).toBe(200);
    await settleLogs();
    expect(logs.text()).not.toContain(secret);
    const ordinary = canary('ordinary_after');
    app.log.info({ text: ordinary }, 'app line');
    await settleLogs();
    // the app logger was not turned into that ZRM request's logger
    expect(logs.text()).toContain(ordinary);
  });
});
