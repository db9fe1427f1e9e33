import Fastify, { type FastifyInstance } from 'fastify';
import { withZeroRetention } from '@zrm/pino';
import zeroRetention from '@zrm/fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canary, captureLogs, send, settleLogs, type LogCapture } from './helpers.js';

let app: FastifyInstance;
let logs: LogCapture;
let url: string;
/** A worker made at start-up: it runs outside any request's async context (the lost-context case). */
const jobs: string[] = [];
let worker: NodeJS.Timeout | undefined;

beforeAll(async () => {
  logs = captureLogs();
  app = Fastify({ logger: withZeroRetention({ level: 'info', stream: logs.stream }) });
  await app.register(zeroRetention);
  worker = setInterval(() => {
    for (const text of jobs.splice(0)) app.log.info('background job for %s', text);
  }, 2);
  app.post('/tts', async (request) => {
    const { text } = request.body as { text: string };
    // the app's own logger (not request.log): governed by the scope through @zrm/pino
    app.log.info({ voiceSettings: { text } }, 'synthesizing %s', text);
    jobs.push(text);
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { ok: true };
  });
  url = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  clearInterval(worker);
  await app.close();
});

describe.each([
  ['ZRM', '?enable_logging=false', false],
  ['ordinary', '', true],
])('with @zrm/pino as the Fastify logger, %s request', (_mode, query, kept) => {
  it(`${kept ? 'keeps' : 'drops'} canaries logged by Fastify, by the app logger and by a start-up worker that lost the context, in valid JSON lines`, async () => {
    const text = canary();
    const q = canary();
    const before = logs.lines().length;
    const response = await send(`${url}/tts${query}${query ? '&' : '?'}q=${q}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text }),
    });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await settleLogs();
    const out = logs.text();
    // every line is still valid JSON: scrubbing never cuts into the structure of a line
    const lines = logs.lines().slice(before);
    // every line was written (incoming, app log, start-up worker, completed); @zrm/pino decides how a ZRM message reads
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines.some((line) => 'voiceSettings' in line)).toBe(true);
    if (kept) expect(out).toContain(`synthesizing ${text}`);
    if (kept) expect(out).toContain(`background job for ${text}`);
    for (const secret of [text, q]) {
      if (kept) expect(out).toContain(secret);
      else expect(out).not.toContain(secret);
    }
  });
});
