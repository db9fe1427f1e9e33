import { Hono } from 'hono';
import { pinoLogger, type PinoLogger } from 'hono-pino';
import { isZeroRetention } from '@zrm/core';
import { zeroRetention, zeroRetentionErrorHandler, type ZeroRetentionVariables } from '@zrm/hono';
import type { LogCapture } from './server.js';

export interface AppOptions {
  /** Without the adapter: the positive control. */
  adapter: boolean;
  /** `app.onError(zeroRetentionErrorHandler())`; otherwise Hono's default. */
  errorHandler?: boolean;
}

/**
 * A Hono app as the README wires it: a middleware mounted before the adapter
 * that logs once the chain is done (like a request logger writing its line
 * after `next()`), `zeroRetention()`, hono-pino (`c.get('logger')`), routes
 * reading the body each way Hono offers and logging what they read.
 */
export function buildApp(logs: LogCapture, { adapter, errorHandler = adapter }: AppOptions) {
  const app = new Hono<{ Variables: ZeroRetentionVariables & { logger: PinoLogger } }>();
  app.use(async (c, next) => {
    await next();
    logs.logger.info(
      { done: c.req.header('x-request-id') },
      `finished ${c.req.method} ${c.req.url} ${c.res.status}`,
    );
  });
  if (adapter) app.use(zeroRetention({ statefulParams: ['previous_request_ids'] }));
  app.use(pinoLogger({ pino: logs.logger }));
  const answer = (c: { json: (v: unknown) => Response; get: (k: 'zeroRetention') => boolean }) =>
    c.json({ zeroRetention: isZeroRetention(), flag: c.get('zeroRetention') ?? false });
  app.post('/json', async (c) => {
    const body = await c.req.json<{ text: string }>();
    c.get('logger').info(`json q=${c.req.query('text')} text=${body.text}`);
    return answer(c);
  });
  app.post('/text', async (c) => {
    c.get('logger').info(`text ${await c.req.text()}`);
    return answer(c);
  });
  app.post('/bytes', async (c) => {
    const bytes = Buffer.from(await c.req.arrayBuffer());
    c.get('logger').info(`bytes hex=${bytes.toString('hex')} b64=${bytes.toString('base64')}`);
    return answer(c);
  });
  app.post('/upload', async (c) => {
    const body = await c.req.parseBody();
    const file = body.file as File;
    const bytes = Buffer.from(await file.arrayBuffer());
    c.get('logger').info(
      `upload name=${file.name} note=${body.note as string} hex=${bytes.toString('hex')} b64=${bytes.toString('base64')}`,
    );
    return answer(c);
  });
  app.post('/form', async (c) => {
    const form = await c.req.formData();
    c.get('logger').info(`form note=${form.get('note') as string}`);
    return answer(c);
  });
  app.post('/throw', async (c) => {
    const body = await c.req.json<{ text: string }>();
    throw new Error(`synthesis failed for ${c.req.query('text')} ${body.text}`);
  });
  if (errorHandler) app.onError(zeroRetentionErrorHandler());
  return app;
}
