import { redact } from '@zrm/core';
import { errorResponse } from '@zrm/core/adapter';
import type { KoaContext } from './types.js';

/**
 * Answers a refusal or an error with zrm's content-free JSON body (a
 * `ZrmError` with its status, anything else 500 `internal_error`), instead of
 * Koa's `ctx.onerror`, which would send an exposed error's message.
 */
export function answerError(ctx: KoaContext, error: unknown): void {
  if (ctx.headerSent || !ctx.writable) {
    ctx.res.destroy();
    return;
  }
  const { status, text, headers } = errorResponse(error);
  ctx.status = status;
  ctx.type = headers['content-type'];
  ctx.body = text;
  ctx.set('Cache-Control', headers['cache-control']);
  ctx.set('Zero-Retention', 'enforced');
}

/**
 * Hands the app's `'error'` listeners (Koa's default prints `err.stack` to
 * the console) a redacted copy of an error of a ZRM request: its class, metadata
 * fields and stack frames, never its message or other fields. Called in the scope.
 */
export function emitRedacted(ctx: KoaContext, error: unknown): void {
  const redacted = redact(error);
  // Koa's default listener throws on a non-Error; a redacted non-Error has nothing worth reporting
  if (!(redacted instanceof Error)) return;
  ctx.app.emit('error', redacted, ctx);
}
