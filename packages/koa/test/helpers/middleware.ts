import { createRequire } from 'node:module';
import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { Options } from 'pino-http';

// Loaded untyped on purpose: the body parsers' declarations augment `http.IncomingMessage`
// globally (`body?: unknown`, `body?: JsonValue`), which clash with each other and with
// Express's `req.body` in the repository's one type-checked program.
const require = createRequire(import.meta.url);

/** `bodyParser()` of `@koa/bodyparser`: assigns `ctx.request.body` and `ctx.request.rawBody`. */
export const bodyParser = (
  require('@koa/bodyparser') as { bodyParser: (options?: object) => Middleware }
).bodyParser;

/** `koaBody()` of `koa-body` (formidable for multipart): assigns `ctx.request.body` and `ctx.request.files`. */
export const koaBody = (require('koa-body') as { koaBody: (options?: object) => Middleware })
  .koaBody;

/** koa-pino-logger: pino-http on `ctx.req`/`ctx.res`, `ctx.log` for the handlers (it ships no types). */
export const pinoLogger = require('koa-pino-logger') as (options: Options) => Middleware;

declare module 'koa' {
  interface DefaultContext {
    /** Set by koa-pino-logger. */
    log: Logger;
  }
  interface Request {
    body?: unknown;
    rawBody?: string;
    files?: Record<string, unknown>;
  }
}
