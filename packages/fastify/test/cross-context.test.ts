import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { withZeroRetention } from '@zrm/pino';
import zeroRetention from '@zrm/fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { canary, captureLogs, send, settleLogs, type LogCapture } from './helpers.js';

/**
 * Guarantee 5 through Fastify's own request logger: `request.log` of one
 * request writes another request's content when a batcher that request
 * started flushes later requests' items. Real Fastify on loopback, real pino.
 */

interface Batcher {
  items: string[];
  flushed: Promise<void>;
}

function routes(app: FastifyInstance): { batch: () => Batcher | undefined } {
  let batch: (Batcher & { log: FastifyBaseLogger; release: () => void }) | undefined;
  app.post('/v1/generate', async (request, reply) => {
    const { text } = request.body as { text: string };
    if (batch === undefined) {
      let release!: () => void;
      const flushed = new Promise<void>((resolve) => (release = resolve));
      batch = { items: [], flushed, log: request.log, release };
      const current = batch;
      // the first request starts the batch timer: the flush logs through that request's logger
      setTimeout(() => {
        current.log.info({ batch: { inputs: current.items } }, 'batch flushed');
        current.log.info(`flushed ${current.items.join(' | ')}`);
        current.release();
      }, 150);
    }
    batch.items.push(text);
    if (batch.items.length === 1) await batch.flushed; // the first request stays in flight
    return reply.send({ ok: true });
  });
  return { batch: () => batch };
}

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function start(
  logger: 'plain pino' | 'zrm pino',
  plugin: boolean,
): Promise<{ url: string; logs: LogCapture }> {
  const logs = captureLogs();
  const options = { level: 'info', stream: logs.stream };
  const app = Fastify({ logger: logger === 'zrm pino' ? withZeroRetention(options) : options });
  apps.push(app);
  // the default grace period: the ZRM request's content is held 5 s after it ends, so the later flush is covered
  if (plugin) await app.register(zeroRetention);
  routes(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, logs };
}

function post(url: string, text: string, query = ''): Promise<{ status: number }> {
  return send(`${url}/v1/generate${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
}

describe('the net in Fastify request logs (every context)', () => {
  for (const logger of ['plain pino', 'zrm pino'] as const) {
    for (const plugin of [true, false]) {
      const label = `${logger}, ${plugin ? 'with @zrm/fastify' : 'without zrm (positive control)'}`;
      it(`keeps a ZRM input out of a batch flushed by an in-flight ordinary request's logger (${label})`, async () => {
        const { url, logs } = await start(logger, plugin);
        const ordinaryText = canary('ordinary_input');
        const zrmText = canary('zrm_input');
        const first = post(url, ordinaryText);
        await new Promise((resolve) => setTimeout(resolve, 30));
        const second = await post(url, zrmText, '?enable_logging=false');
        expect(second.status).toBe(200);
        expect((await first).status).toBe(200);
        await settleLogs();
        const text = logs.text();
        const flushed = logs.lines().find((line) => line.msg === 'batch flushed') as {
          batch: { inputs: string[] };
        };
        expect(flushed.batch.inputs[0]).toBe(ordinaryText);
        if (plugin) {
          expect(text.split('\n').filter((l) => l.includes(zrmText))).toEqual([]);
          expect(flushed.batch.inputs[1]).toBe('[REDACTED]');
        } else {
          expect(text).toContain(zrmText);
        }
        expect(text).toContain(`flushed ${ordinaryText}`);
      });
    }
  }
});
