import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import zeroRetention, { type ZeroRetentionFastifyOptions } from '@zrm/fastify';

/** A unique marker that cannot occur by chance in a log line. */
export function canary(label = 'CANARY'): string {
  return `${label}_${randomBytes(9).toString('hex')}`;
}

/** Every byte pino wrote, as text. */
export interface LogCapture {
  readonly stream: Writable;
  text(): string;
  lines(): Record<string, unknown>[];
}

export function captureLogs(): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return {
    stream,
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

export interface TestApp {
  app: FastifyInstance;
  logs: LogCapture;
  url: string;
}

/** A real Fastify app with a real pino logger, `@zrm/fastify` registered first, listening on loopback. */
export async function createApp(
  options: ZeroRetentionFastifyOptions = {},
  routes: (app: FastifyInstance) => unknown = () => undefined,
  server: FastifyServerOptions = {},
): Promise<TestApp> {
  const logs = captureLogs();
  const app = Fastify({ logger: { level: 'trace', stream: logs.stream }, ...server });
  await app.register(zeroRetention, options);
  await routes(app);
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, logs, url };
}

/** The body of a response, as text. */
export async function send(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; body: string; headers: Headers }> {
  const response = await fetch(url, init);
  return { status: response.status, body: await response.text(), headers: response.headers };
}

/** Waits until pino's stream has received everything logged so far (the capture is synchronous; one turn suffices). */
export function settleLogs(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
