import { Hono, type ErrorHandler, type MiddlewareHandler } from 'hono';
import { pinoLogger, type PinoLogger } from 'hono-pino';
import type { Logger } from 'pino';

export { serveApp } from './server.js';

/** The conformance suite's Hono app (test/conformance/drivers/hono.ts), built where `hono` resolves. */
export function buildConformanceApp(
  logger: Logger,
  parts: { adapter?: MiddlewareHandler; onError?: ErrorHandler; mode: () => boolean },
): Hono<{ Variables: { logger: PinoLogger } }> {
  const app = new Hono<{ Variables: { logger: PinoLogger } }>();
  app.use(async (c, next) => {
    await next();
    logger.info(
      { conformanceDone: c.req.header('x-request-id') },
      `finished ${c.req.method} ${c.req.url}`,
    );
  });
  if (parts.adapter !== undefined) app.use(parts.adapter);
  app.use(pinoLogger({ pino: logger }));
  app.post('/conformance', async (c) => {
    const body = await c.req.json<{ text?: string }>();
    c.get('logger').info(`handled query=${c.req.query('text')} body=${body.text}`);
    return c.json({ zeroRetention: parts.mode() });
  });
  if (parts.onError !== undefined) app.onError(parts.onError);
  return app;
}
